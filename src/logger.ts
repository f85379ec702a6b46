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

/** Log lines dropped because stdout was not read fast enough (process-wide: there is one stdout). */
let droppedLines = 0;
export const logLinesDropped = (): number => droppedLines;

/**
 * pino's background writer, with a cap on what may wait in memory for a slow reader: beyond
 * `bufferBytes`, lines are dropped and counted (`valara_log_lines_dropped_total`) rather than
 * piling up until the process runs out of memory. Once the reader has caught up, one warning
 * says how many were lost.
 */
function backgroundStdout(bufferBytes: number, reportDropped: (dropped: number) => void) {
  const stream = pino.destination({ sync: false, maxLength: bufferBytes });
  let unreported = 0;
  // pino writes one line per write, and a dropped write is dropped whole: one line each.
  stream.on("drop", () => {
    droppedLines++;
    unreported++;
  });
  stream.on("drain", () => {
    if (unreported === 0) return;
    const dropped = unreported;
    unreported = 0;
    reportDropped(dropped);
  });
  return stream;
}

export interface LoggerOptions {
  /** Where lines go instead of stdout (tests, the CLI's stderr). */
  destination?: pino.DestinationStream;
  /** The most log output kept in memory for a stdout pipe, socket or terminal that is not read. */
  bufferBytes?: number;
}

/** 16 MiB: about 50,000 request lines, ten seconds of full load, before lines are dropped. */
export const DEFAULT_LOG_BUFFER_BYTES = 16 * 1024 * 1024;

/**
 * The process logger: pino, JSON lines on stdout, secrets redacted. Into a file, each line is
 * written at once: nothing is lost if the process dies, and it is cheaper than pino's default,
 * which hands every line to libuv's thread pool (17 µs of CPU per line, 9 % of a PATCH, measured
 * in BENCHMARKS.md). Into a pipe, a socket or a terminal, lines are written in the background:
 * they wait in memory (up to `bufferBytes`) while the reader is behind, and the server goes on
 * serving.
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const { destination, bufferBytes = DEFAULT_LOG_BUFFER_BYTES } = options;
  const reportDropped = (dropped: number) =>
    logger.warn({ dropped }, "log lines dropped: stdout was not read fast enough");
  const stream =
    destination ??
    (stdoutIsFile() ? pino.destination({ dest: 1, sync: true }) : backgroundStdout(bufferBytes, reportDropped));
  const logger = pino({ level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, stream);
  return logger;
}
