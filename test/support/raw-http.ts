import { connect } from "node:net";

/** What came back on a raw socket; status 0 when the server closed it without a response. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes the bytes as given (no client-side validation of headers, sizes or encoding) on a fresh
 * connection and reads until the server closes it: for requests a well-behaved client refuses to send.
 */
export function rawRequest(port: number, bytes: Buffer | string, timeoutMs = 15_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // No half-close after writing: Node's HTTP server aborts requests still in flight when the client
    // ends its side; `connection: close` makes the server close once it has answered.
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("data", (chunk) => chunks.push(chunk));
    // The server may answer and reset while we are still writing (431, 413): keep what it said.
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(parse(Buffer.concat(chunks)));
    });
  });
}

function parse(raw: Buffer): RawAnswer {
  const split = raw.indexOf("\r\n\r\n");
  if (!raw.subarray(0, 5).equals(Buffer.from("HTTP/")) || split === -1) {
    return { status: 0, headers: {}, body: raw.toString("utf8") };
  }
  const [statusLine = "", ...lines] = raw.subarray(0, split).toString("latin1").split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(split + 4);
  if (headers["transfer-encoding"] === "chunked") body = unchunk(body);
  return { status: Number(statusLine.split(" ")[1]), headers, body: body.toString("utf8") };
}

function unchunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf("\r\n", at);
    const size = Number.parseInt(data.subarray(at, eol).toString("latin1"), 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 4 + size;
  }
}

/** A request's bytes: request line, headers (latin1, as given) and an optional body with its length. */
export function rawHttp(method: string, path: string, headers: Record<string, string>, body?: Buffer | string) {
  const payload = body === undefined ? undefined : typeof body === "string" ? Buffer.from(body) : body;
  const lines = Object.entries({ host: "127.0.0.1", connection: "close", ...headers }).map(([k, v]) => `${k}: ${v}`);
  if (payload && !Object.keys(headers).some((name) => /^(content-length|transfer-encoding)$/i.test(name))) {
    lines.push(`content-length: ${payload.length}`);
  }
  const head = Buffer.from(`${method} ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`, "latin1");
  return payload ? Buffer.concat([head, payload]) : head;
}
