import { fstatSync } from "node:fs";
import { isatty } from "node:tty";
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
 * True when stdout is a file or `/dev/null`: a write there never waits for a reader. A pipe, a
 * socket or a terminal can stop taking data (a log shipper that stalls, a parent that never reads
 * the pipe), and a synchronous write would then stop the whole server.
 */
function stdoutIsFile(): boolean {
  try {
    const stat = fstatSync(1);
    return stat.isFile() || (stat.isCharacterDevice() && !isatty(1));
  } catch {
    return false;
  }
}

/**
 * The process logger: pino, JSON lines on stdout, secrets redacted. Into a file, each line is
 * written at once: nothing is lost if the process dies, and it is cheaper than pino's default,
 * which hands every line to libuv's thread pool (17 µs of CPU per line, 9 % of a PATCH, measured
 * in BENCHMARKS.md). Into a pipe, a socket or a terminal, pino's default stays: lines queue in
 * memory while the reader is behind, and the server goes on serving.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const stream = destination ?? (stdoutIsFile() ? pino.destination({ dest: 1, sync: true }) : undefined);
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, stream);
}
