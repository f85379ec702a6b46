import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { DEFAULT_LOG_BUFFER_BYTES } from "./logger.js";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const RateLimit = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const CommaList = Type.String({ pattern: "^[a-z][a-z0-9_-]*(,[a-z][a-z0-9_-]*)*$" });

/** Every environment variable the service reads, with its default. The one source of truth. */
export const ConfigSchema = Type.Object({
  NODE_ENV: Type.String({ default: "development" }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: "127.0.0.1" }),
  DATABASE_URL: Type.String({ pattern: "^(file:.+|postgres(ql)?://.+)$", default: "file:./data/valara.db" }),
  BETTER_AUTH_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  BETTER_AUTH_URL: Type.Optional(Type.String({ pattern: "^https?://" })),
  REDIS_URL: Type.Optional(Type.String({ pattern: "^rediss?://" })),
  RATE_LIMIT_REDIS_PREFIX: Type.String({ minLength: 1, maxLength: 100, default: "valara:rate-limit:" }),
  RATE_LIMIT_READ: Type.Integer({ ...RateLimit, default: 600 }),
  RATE_LIMIT_LIST: Type.Integer({ ...RateLimit, default: 300 }),
  RATE_LIMIT_WRITE: Type.Integer({ ...RateLimit, default: 120 }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 10_000 }),
  SHUTDOWN_DRAIN_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 1_000 }),
  LOG_LEVEL: Type.Union(
    LOG_LEVELS.map((level) => Type.Literal(level)),
    { default: "info" },
  ),
  LOG_BUFFER_BYTES: Type.Integer({ minimum: 65_536, maximum: 1_073_741_824, default: DEFAULT_LOG_BUFFER_BYTES }),
  METRICS_ENABLED: Type.Boolean({ default: true }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  SQLITE_SYNCHRONOUS: Type.Union([Type.Literal("normal"), Type.Literal("full")], { default: "normal" }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 500, default: 10 }),
  TRUST_PROXY: Type.Optional(Type.String({ minLength: 1 })),
  CORS_ORIGINS: Type.String({ pattern: "^(https?://[^,\\s]+(,https?://[^,\\s]+)*)?$", default: "" }),
  ROLES: Type.String({ ...CommaList, default: "user,admin" }),
  ADMIN_ROLES: Type.String({ ...CommaList, default: "admin" }),
  WEBHOOKS_ENABLED: Type.Boolean({ default: true }),
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 10_000 }),
  WEBHOOK_RETRY_SCHEDULE: Type.String({
    pattern: "^\\d+(\\.\\d+)?(,\\d+(\\.\\d+)?){0,19}$",
    default: "5,300,1800,7200,18000,36000,36000",
  }),
  WEBHOOK_ALLOW_HTTP: Type.Boolean({ default: false }),
  WEBHOOK_ALLOW_PRIVATE: Type.Boolean({ default: false }),
  WEBHOOK_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1000, default: 16 }),
  WEBHOOK_ENDPOINT_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 100, default: 4 }),
  WEBHOOK_POLL_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 200 }),
});
type RawConfig = Static<typeof ConfigSchema>;

export interface Config {
  env: string;
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string;
  /** Undefined only outside production: then the data folder keeps a generated one. */
  authSecret: string | undefined;
  authUrl: string | undefined;
  redisUrl: string | undefined;
  /** Prefix of every rate-limit key in Redis; deployments sharing one Redis stay apart by it. */
  redisPrefix: string;
  rateLimits: { read: number; list: number; write: number };
  requestTimeoutMs: number;
  /** On SIGTERM, how long to keep serving (health check failing) before closing. */
  shutdownDrainMs: number;
  /** GET /metrics: off, open, or behind `Authorization: Bearer <token>`. */
  metrics: { enabled: boolean; token: string | undefined };
  databasePoolSize: number;
  /** SQLite durability mode (see README, Durability). */
  sqliteSynchronous: "normal" | "full";
  /** Origins allowed to call the API from a browser; empty: CORS stays closed. */
  corsOrigins: string[];
  /** Fastify's trustProxy: "true", a hop count, or addresses/CIDRs (comma-separated). */
  trustProxy: boolean | string | ((address: string, hop: number) => boolean);
  logLevel: string;
  /** The most log output held in memory for a stdout reader that is behind; beyond it lines are dropped. */
  logBufferBytes: number;
  roles: string[];
  adminRoles: string[];
  webhooks: WebhookConfig;
}

/** Webhooks and the events feed (CONTRACT §10). */
export interface WebhookConfig {
  /** Off: no relay and no workers on this instance (the routes still answer). */
  enabled: boolean;
  timeoutMs: number;
  /** Seconds between attempts; its length + 1 attempts in all. */
  retryScheduleSeconds: number[];
  allowHttp: boolean;
  allowPrivate: boolean;
  /** Deliveries in flight at once on this instance. */
  concurrency: number;
  /** Deliveries in flight at once to one endpoint. */
  endpointConcurrency: number;
  /** How often the relay and the workers look for work. */
  pollMs: number;
}

function parseTrustProxy(value: string | undefined): Config["trustProxy"] {
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  if (!/^\d+$/.test(value)) return value;
  const hops = Number(value);
  return (_address, hop) => hop < hops;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.keys(ConfigSchema.properties) as (keyof typeof ConfigSchema.properties)[];
  const picked: Record<string, unknown> = {};
  // TypeBox's conversion reads "3e3" as 3, "3000.5" as 3000 and "0x10" as 16: a number of
  // milliseconds or a port must be written in plain digits, or it is refused.
  const notDigits: string[] = [];
  for (const key of known) {
    const value = env[key];
    if (value === undefined || value === "") continue;
    if (ConfigSchema.properties[key].type === "integer" && !/^\d+$/.test(value.trim())) {
      notDigits.push(`${key}: expected a whole number in digits, got "${value}"`);
    } else {
      picked[key] = value;
    }
  }
  const converted = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, picked));
  const problems = [
    ...notDigits,
    ...[...Value.Errors(ConfigSchema, converted)].map(
      (error) => `${error.path.slice(1) || "config"}: ${error.message}`,
    ),
  ];
  const raw = converted as RawConfig;
  const production = raw.NODE_ENV === "production";
  if (production && !raw.BETTER_AUTH_SECRET) problems.push("BETTER_AUTH_SECRET: required when NODE_ENV=production");
  const roles = raw.ROLES?.split(",") ?? [];
  const adminRoles = raw.ADMIN_ROLES?.split(",") ?? [];
  for (const role of adminRoles) {
    if (!roles.includes(role)) problems.push(`ADMIN_ROLES: "${role}" is not one of ROLES`);
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  return {
    env: raw.NODE_ENV,
    production,
    port: raw.PORT,
    host: raw.HOST,
    databaseUrl: raw.DATABASE_URL,
    authSecret: raw.BETTER_AUTH_SECRET,
    authUrl: raw.BETTER_AUTH_URL,
    redisUrl: raw.REDIS_URL,
    redisPrefix: raw.RATE_LIMIT_REDIS_PREFIX,
    rateLimits: { read: raw.RATE_LIMIT_READ, list: raw.RATE_LIMIT_LIST, write: raw.RATE_LIMIT_WRITE },
    requestTimeoutMs: raw.REQUEST_TIMEOUT_MS,
    shutdownDrainMs: raw.SHUTDOWN_DRAIN_MS,
    metrics: { enabled: raw.METRICS_ENABLED, token: raw.METRICS_TOKEN },
    databasePoolSize: raw.DATABASE_POOL_SIZE,
    sqliteSynchronous: raw.SQLITE_SYNCHRONOUS,
    corsOrigins: raw.CORS_ORIGINS ? raw.CORS_ORIGINS.split(",") : [],
    trustProxy: parseTrustProxy(raw.TRUST_PROXY),
    logLevel: raw.LOG_LEVEL,
    logBufferBytes: raw.LOG_BUFFER_BYTES,
    roles,
    adminRoles,
    webhooks: {
      enabled: raw.WEBHOOKS_ENABLED,
      timeoutMs: raw.WEBHOOK_TIMEOUT_MS,
      retryScheduleSeconds: raw.WEBHOOK_RETRY_SCHEDULE.split(",").map(Number),
      allowHttp: raw.WEBHOOK_ALLOW_HTTP,
      allowPrivate: raw.WEBHOOK_ALLOW_PRIVATE,
      concurrency: raw.WEBHOOK_CONCURRENCY,
      endpointConcurrency: raw.WEBHOOK_ENDPOINT_CONCURRENCY,
      pollMs: raw.WEBHOOK_POLL_MS,
    },
  };
}
