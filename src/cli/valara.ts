import { Command, InvalidArgumentError } from "commander";
import { ConfigError } from "../config.js";
import { serve } from "../server.js";
import { createApiKey, revokeApiKey } from "./api-keys.commands.js";
import { withServices } from "./cli-context.js";
import { CliError } from "./cli-error.js";
import { createUser } from "./users.commands.js";

function print(value: unknown, json: boolean | undefined, human: string) {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError("must be a whole number of days ≥ 1");
  return parsed;
}

/** The `valara` command line: the same configuration and services as the server. */
export function buildCli(): Command {
  const program = new Command("valara").description("Valara Users API service");

  program
    .command("serve")
    .description("start the HTTP server (what npm start runs)")
    .action(() => serve());

  program
    .command("migrate")
    .description("create or update the database schema")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const result = await withServices((services) => services.migrate(), { migrate: false });
      print(result, options.json, result.applied.length ? `applied: ${result.applied.join(", ")}` : "up to date");
    });

  const users = program.command("users").description("manage users");
  users
    .command("create")
    .description("create a user")
    .requiredOption("--email <email>", "email address")
    .requiredOption("--name <name>", "full name")
    .option("--role <role>", "role (default: user)")
    .option("--password <password>", "password for email sign-in (optional)")
    .option("--json", "print the user object as JSON")
    .action(async (options: { email: string; name: string; role?: string; password?: string; json?: boolean }) => {
      const user = await withServices((services) => createUser(services, options));
      print(user, options.json, `created user ${user.id} <${user.email}> (${user.role})`);
    });

  const keys = program.command("api-keys").description("manage API keys");
  keys
    .command("create")
    .description("issue an API key for a user; the key is shown once")
    .requiredOption("--user <id-or-email>", "the user's id or email")
    .option("--name <name>", "a label for the key")
    .option("--expires-in <days>", "expire after this many days", positiveInteger)
    .option("--json", "print JSON")
    .action(async (options: { user: string; name?: string; expiresIn?: number; json?: boolean }) => {
      const created = await withServices((services) =>
        createApiKey(services, { user: options.user, name: options.name, expiresInDays: options.expiresIn }),
      );
      print(
        created,
        options.json,
        `key ${created.id} for user ${created.user_id}: ${created.key}\n(shown once; store it now)`,
      );
    });
  keys
    .command("revoke <key-id>")
    .description("revoke an API key at once")
    .option("--json", "print JSON")
    .action(async (keyId: string, options: { json?: boolean }) => {
      const result = await withServices((services) => revokeApiKey(services, keyId));
      print(result, options.json, `revoked key ${result.id}`);
    });
  return program;
}

buildCli()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    const known = error instanceof CliError || error instanceof ConfigError;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`valara: ${known ? message : `unexpected error: ${message}`}\n`);
    process.exit(1);
  });
