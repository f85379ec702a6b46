import pino, { type Logger } from "pino";

// Credentials never reach a log line, whichever path logs a request or an error.
const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  'req.headers["set-cookie"]',
  "headers.authorization",
  "headers.cookie",
  'headers["x-api-key"]',
  'headers["set-cookie"]',
  "key",
  "token",
  "password",
  "secret",
  "*.key",
  "*.token",
  "*.password",
  "*.secret",
  // Node's HTTP parser errors carry the raw request bytes, credentials included.
  "err.rawPacket",
  "*.rawPacket",
];

/**
 * The process logger: pino, JSON lines on stdout, secrets redacted. Each line is written at once,
 * as Node writes stdout to files and pipes on Linux: nothing is lost if the process dies, and it
 * is cheaper here than pino's default, which hands every line to libuv's thread pool (17 µs of
 * CPU per line, 8 % of a PATCH, measured in BENCHMARKS.md).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const stream = destination ?? pino.destination({ dest: 1, sync: true });
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, stream);
}
