import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUser } from "../../../src/cli/users.commands.js";
import { loadConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/logger.js";
import { openServices, type Services } from "../../../src/services.js";
import { freePort } from "../../support/free-port.js";
import { type ServerProcess, startServerProcess } from "../../support/server-process.js";

/** A real server process (as `npm start` runs it) on a fresh SQLite file, serving the built page. */
export interface Dashboard {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  port: number;
  server: ServerProcess;
  /** The CLI's services on the same database file, for making people. */
  services: Services;
  close(): Promise<void>;
}

/** A person who can sign in. */
export interface Person {
  id: string;
  email: string;
  name: string;
  password: string;
}

/** Builds the page first when dist/app is missing or older than web/ (scripts/ensure-web-build.mjs). */
export function ensureWebBuilt(): void {
  execFileSync(process.execPath, ["scripts/ensure-web-build.mjs"], { stdio: ["ignore", "inherit", "inherit"] });
}

/** Starts a server of its own on a new SQLite file in a temporary folder. */
export async function startDashboard(env: Record<string, string> = {}): Promise<Dashboard> {
  ensureWebBuilt();
  const dir = mkdtempSync(join(tmpdir(), "valara-browser-"));
  const port = await freePort();
  const serverEnv = {
    DATABASE_URL: `file:${join(dir, "valara.db")}`,
    BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
    PORT: String(port),
    NODE_ENV: "development",
    ...env,
  };
  const server = await startServerProcess(serverEnv);
  const services = openServices(loadConfig(serverEnv), createLogger("silent"), { cli: true });
  return {
    baseUrl: server.baseUrl,
    port,
    server,
    services,
    close: async () => {
      await services.close();
      server.child.kill("SIGTERM");
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/** Makes a person with a password through the CLI's own createUser, as `valara users create` does. */
export async function createPerson(
  dashboard: Dashboard,
  { role = "user", name = "Jane Agent" }: { role?: "user" | "admin"; name?: string } = {},
): Promise<Person> {
  const email = `person-${Date.now().toString(36)}-${counter++}@example.com`;
  const password = `pw-${randomBytes(9).toString("base64url")}`;
  const user = await createUser(dashboard.services, { email, name, role, password });
  return { id: user.id, email, name, password };
}
