import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.js";

const SECRET_FILE = "auth-secret";

/**
 * BETTER_AUTH_SECRET when set; otherwise (never in production: config refuses) a secret generated
 * once and kept in the data folder, so sessions survive restarts. `onGenerated` fires only when
 * this call created the file.
 */
export function resolveAuthSecret(config: Config, dataDir: string, onGenerated: (path: string) => void): string {
  if (config.authSecret) return config.authSecret;
  const path = join(dataDir, SECRET_FILE);
  // On PostgreSQL nothing else creates the data folder.
  mkdirSync(dataDir, { recursive: true });
  try {
    // `wx` fails if another process created it first; then we read theirs.
    writeFileSync(path, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
    onGenerated(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readFileSync(path, "utf8").trim();
}
