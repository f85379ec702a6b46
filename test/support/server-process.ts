import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { createApiKey } from "../../src/cli/api-keys.commands.js";
import { createUser } from "../../src/cli/users.commands.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { openServices } from "../../src/services.js";

/** A real server process (`src/server.ts`, as `npm start` runs it), for multi-process tests. */
export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Everything it printed, for failure messages. */
  output(): string;
}

/** The line a server prints once it listens; group 1 is its base URL. */
export const LISTENING_LINE = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * Spawns `src/server.ts` as `npm start` runs it, with `env`, on a port the system picks (unless
 * `env.PORT` names one), at info level (readiness is read from the listening line), its stdout
 * and stderr as `stdio` says.
 */
export function spawnServer(env: Record<string, string | undefined>, stdio: StdioOptions): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    env: { ...process.env, ...env, LOG_LEVEL: "info", PORT: env.PORT ?? "0", HOST: "127.0.0.1" },
    stdio,
  });
}

/** Starts `src/server.ts` with `env` (on a port the system picks, unless `env.PORT`), and resolves once it listens. */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawnServer(env, ["ignore", "pipe", "pipe"]);
  let printed = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      printed += chunk.toString();
      const listening = LISTENING_LINE.exec(printed);
      if (listening?.[1]) resolve({ child, baseUrl: listening[1], exited, output: () => printed });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    exited.then((code) => reject(new Error(`server exited (${code}) before listening: ${printed}`)));
  });
}

/**
 * Migrates the database `env` names and makes users with an API key each, through the same
 * services the CLI uses, before a server process starts on it.
 */
export async function prepareDatabase(
  env: Record<string, string>,
  users: Array<{ name: string; role?: "user" | "admin" }>,
): Promise<Array<{ id: string; key: string }>> {
  const services = openServices(loadConfig(env), createLogger("silent"), { cli: true });
  try {
    await services.migrate();
    const made: Array<{ id: string; key: string }> = [];
    for (const [index, { name, role }] of users.entries()) {
      const email = `${name.toLowerCase().replace(/\W+/g, "-")}-${Date.now()}-${index}@example.com`;
      const user = await createUser(services, { email, name, role });
      made.push({ id: user.id, key: (await createApiKey(services, { user: user.id })).key });
    }
    return made;
  } finally {
    await services.close();
  }
}
