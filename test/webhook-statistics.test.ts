import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { openServices, type Services } from "../src/services.js";
import { localStore } from "../src/webhooks/background-store.js";
import { DeliveryStatistics } from "../src/webhooks/delivery-statistics.js";
import { createTestDatabase, dialect } from "./support/harness.js";
import { quietReporting } from "./support/webhook-receiver.js";

describe("the deliveries' planner statistics (PostgreSQL)", {
  skip: dialect !== "postgres" && "PostgreSQL only",
}, () => {
  const dir = mkdtempSync(join(tmpdir(), "valara-stats-"));
  let services: Services;
  let drop = async () => {};
  before(async () => {
    const database = await createTestDatabase(dir);
    drop = database.drop;
    services = openServices(
      loadConfig({ DATABASE_URL: database.url, BETTER_AUTH_SECRET: "statistics-secret-0123456789abcdef0123" }),
      createLogger("silent"),
      { cli: true },
    );
    await services.migrate();
  });
  after(async () => {
    await services.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const analyzedTimes = async () => {
    const { rows } = await sql<{ count: string | number }>`
      select analyze_count as "count" from pg_stat_user_tables where relname = 'webhook_delivery'`.execute(
      services.database.db,
    );
    return Number(rows[0]?.count ?? 0);
  };
  // The statistics collector reports with a delay; poll until it shows `want`.
  const waitForAnalyzed = async (want: number) => {
    for (let i = 0; i < 100 && (await analyzedTimes()) < want; i++) await new Promise((r) => setTimeout(r, 50));
    return analyzedTimes();
  };

  it("analyzes the table after 200 relayed events, then after as many again, never twice at once", async () => {
    const errors: unknown[] = [];
    const statistics = new DeliveryStatistics(localStore(services.database, quietReporting()), (error) =>
      errors.push(error),
    );
    const before = await analyzedTimes();
    statistics.relayed(199);
    await statistics.settled();
    assert.equal(await waitForAnalyzed(before + 1), before, "nothing before 200 events");
    statistics.relayed(1);
    statistics.relayed(300); // while that refresh runs: no second one, they count toward the next
    await statistics.settled();
    assert.equal(await waitForAnalyzed(before + 1), before + 1);
    statistics.relayed(99); // 399 since: the next is due at 400
    await statistics.settled();
    assert.equal(await waitForAnalyzed(before + 2), before + 1, "nothing before 400 more");
    statistics.relayed(1);
    await statistics.settled();
    assert.equal(await waitForAnalyzed(before + 2), before + 2);
    assert.deepEqual(errors, []);
  });
});
