// npm run generate:client: writes client/openapi-types.ts from the app's own OpenAPI document
// (built in memory: no server, no database file).
import { writeFileSync } from "node:fs";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openServices } from "../src/services.js";
import { CLIENT_TYPES_FILE, clientTypesFor } from "./client-types.js";

const config = loadConfig({ DATABASE_URL: "file::memory:", LOG_LEVEL: "silent", BETTER_AUTH_SECRET: "x".repeat(32) });
const logger = createLogger("silent");
const services = openServices(config, logger, { cli: true });
const app = await buildApp({ services, logger });
await app.ready();
writeFileSync(CLIENT_TYPES_FILE, await clientTypesFor(app.swagger()));
await app.close();
await services.close();
console.log(`wrote ${CLIENT_TYPES_FILE.pathname}`);
