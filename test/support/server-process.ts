import { type ChildProcess, spawn } from "node:child_process";

/** A real server process (`src/server.ts`, as `npm start` runs it), for multi-process tests. */
export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Everything it printed, for failure messages. */
  output(): string;
}

/** Starts `src/server.ts` with `env` on a port the system picks, and resolves once it listens. */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    // Info level: readiness is read from the "Server listening" line.
    env: { ...process.env, ...env, LOG_LEVEL: "info", PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let printed = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      printed += chunk.toString();
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(printed);
      if (listening?.[1]) resolve({ child, baseUrl: listening[1], exited, output: () => printed });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    exited.then((code) => reject(new Error(`server exited (${code}) before listening: ${printed}`)));
  });
}
