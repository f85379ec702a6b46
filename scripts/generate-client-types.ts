// npm run generate:client: writes client/openapi-types.ts and client/profile-fields.ts from the app's own OpenAPI document
// (built in memory: no server, no database file).
import { writeFileSync } from "node:fs";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openServices } from "../src/services.js";
import { CLIENT_FIELDS_FILE, CLIENT_TYPES_FILE, clientFieldsFor, clientTypesFor } from "./client-types.js";

const config = loadConfig({ DATABASE_URL: "file::memory:", LOG_LEVEL: "silent", BETTER_AUTH_SECRET: "x".repeat(32) });
const logger = createLogger("silent");
const services = openServices(config, logger, { cli: true });
const app = await buildApp({ services, logger });
await app.ready();
const document = app.swagger();
writeFileSync(CLIENT_TYPES_FILE, await clientTypesFor(document));
writeFileSync(CLIENT_FIELDS_FILE, clientFieldsFor(document as never));
await app.close();
await services.close();
console.log(`wrote ${CLIENT_TYPES_FILE.pathname} and ${CLIENT_FIELDS_FILE.pathname}`);
