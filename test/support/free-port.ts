import { createServer } from "node:net";

/**
 * A loopback port free right now. A server that must know its own origin (Better Auth trusts
 * it for sign-in, the cookie rule checks it) is configured with the port before it listens.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
