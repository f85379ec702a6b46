// The benchmark's webhook receiver, in a process of its own (as a receiver would be): answers
// 200 at once and keeps, for each user.updated, the time from its `changed_at` to its arrival.
// GET /stats → {received, firstAt, lastAt, latencies}; POST /reset clears them. Prints its URL.
import { createServer } from "node:http";

let state;
const reset = () => (state = { received: 0, firstAt: 0, lastAt: 0, latencies: [] });
reset();
const server = createServer((request, response) => {
  if (request.method === "GET" && request.url === "/stats") return response.end(JSON.stringify(state));
  if (request.url === "/reset") {
    reset();
    return response.end("{}");
  }
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const now = Date.now();
    response.writeHead(200).end();
    const event = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (event.event_type !== "user.updated") return;
    state.received++;
    state.firstAt ||= now;
    state.lastAt = now;
    state.latencies.push(now - Date.parse(event.data.changed_at));
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
