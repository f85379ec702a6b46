import { buildApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { openServices } from "./services.js";

/** `npm start` / `valara serve`: migrate, listen, and shut down gracefully on SIGTERM/SIGINT. */
export async function serve(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, { bufferBytes: config.logBufferBytes });
  const services = openServices(config, logger);
  const { applied } = await services.migrate();
  if (applied.length > 0) logger.info({ applied }, "database migrated");
  const app = await buildApp({ services, logger });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info(
      { signal, drainMs: config.shutdownDrainMs },
      "shutting down: draining, then finishing in-flight requests",
    );
    app.startDraining();
    // Delivery workers stop within the drain: in-flight deliveries finish or give their lease back.
    const webhooksStopped = app
      .stopWebhooks(config.shutdownDrainMs)
      .catch((error) =>
        logger.warn({ err: error }, "stopping webhook workers failed; their leases expire on their own"),
      );
    // app.close() resolves once every in-flight request has been answered; only then may the
    // database go (an onClose hook would run before in-flight requests finish).
    Promise.all([new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs)), webhooksStopped])
      .then(() => app.close())
      .then(() => services.close())
      .then(
        () => process.exit(0),
        (error) => {
          logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));

  await app.listen({ port: config.port, host: config.host });
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isEntry) {
  serve().catch((error) => {
    process.stderr.write(`failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
