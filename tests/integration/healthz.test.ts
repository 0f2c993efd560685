/** /healthz: 200 with the driver and migration count when the database is current, 503 otherwise. */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loader } from "~/routes/healthz";
import { resetConfig } from "../support/config";
import { closeDb, getDb } from "~/lib/server/db/connection.server";
import { defaultMigrationsDir } from "~/lib/server/db/migrations.server";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "ghostly-healthz-"));
const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };

afterAll(async () => {
  await closeDb();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetConfig();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("/healthz", () => {
  it("answers 503 with the reason when the database cannot be reached", async () => {
    // Port 1 on localhost: nothing listens there, the connection is refused at once.
    process.env.DATABASE_URL = "postgres://nobody@127.0.0.1:1/none";
    resetConfig();
    const response = await loader({ request: new Request("http://localhost/healthz") });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: "error", reason: expect.stringMatching(/^database unavailable/) });
  });

  it("answers 200 on the embedded database once migrations are applied (the first getDb applies them)", async () => {
    delete process.env.DATABASE_URL;
    process.env.DATA_DIR = dataDir;
    resetConfig();
    const response = await loader({ request: new Request("http://localhost/healthz") });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const count = readdirSync(defaultMigrationsDir()).filter((f) => f.endsWith(".sql")).length;
    expect(await response.json()).toEqual({ status: "ok", database: "pglite", migrations: { applied: count, pending: 0 } });
    // PGlite keeps its files under DATA_DIR/pglite.
    expect(readdirSync(path.join(dataDir, "pglite")).length).toBeGreaterThan(0);
  });

  it("answers 503 naming the migration when the database no longer matches the migration files", async () => {
    const db = await getDb();
    const { rows } = await db.query<{ name: string; checksum: string }>(
      "select name, checksum from app_schema_migrations order by name limit 1",
    );
    // As if the first migration file had been edited after it was applied.
    await db.query("update app_schema_migrations set checksum = $1 where name = $2", ["0".repeat(64), rows[0].name]);
    try {
      const response = await loader({ request: new Request("http://localhost/healthz") });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        status: "error",
        reason: "migrations not current",
        database: "pglite",
        migrations: { pending: 0, mismatched: [rows[0].name] },
      });
    } finally {
      await db.query("update app_schema_migrations set checksum = $1 where name = $2", [rows[0].checksum, rows[0].name]);
    }
    expect((await loader({ request: new Request("http://localhost/healthz") })).status).toBe(200);
  });
});
