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

/** The process logger: pino, JSON lines on stdout, secrets redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, destination);
}
