import { loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { openServices, type Services } from "../services.js";

/** Opens the same services as the server (same variables), migrated, for one CLI command. */
export async function withServices<T>(
  run: (services: Services) => Promise<T>,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  // Logs go to stderr so that `--json` output on stdout stays one JSON object.
  const logger = createLogger(config.logLevel === "info" ? "warn" : config.logLevel, { destination: process.stderr });
  const services = openServices(config, logger, { cli: true });
  try {
    if (migrate) await services.migrate();
    return await run(services);
  } finally {
    await services.close();
  }
}
