/**
 * Run a data-layer suite against every driver: PGlite in a temp directory, and a real PostgreSQL
 * server (started by tests/support/postgres.ts, or the one DATABASE_URL points at).
 *
 *   forEachDriver("sessions", (t) => {
 *     it("stores", async () => { await t.db.query("select 1"); });
 *   });
 *
 * Each `forEachDriver` block gets a fresh, migrated, empty database; one PostgreSQL server is
 * shared by the whole test file and stopped after it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { createDb } from "~/lib/server/db/connection.server";
import type { Db } from "~/lib/server/db/types.server";
import { migrate } from "~/lib/server/db/migrations.server";
import { type PostgresServer, postgresUnavailableReason, startPostgres } from "./postgres";

export type DriverName = "pglite" | "postgres";

const postgresSkipReason = postgresUnavailableReason();
if (postgresSkipReason) {
  console.warn(
    `\n${"!".repeat(78)}\n!! SKIPPING the real-PostgreSQL leg of the data-layer tests: ${postgresSkipReason}\n${"!".repeat(78)}\n`,
  );
}

/** The drivers this machine can test. */
export const TEST_DRIVERS: DriverName[] = postgresSkipReason ? ["pglite"] : ["pglite", "postgres"];

// One throwaway server per test file, shared by its suites and counted: the last suite to finish
// stops it. (Stopping it from the first suite's afterAll would let a later suite start a second server
// that nobody stops — servers and their data directories would outlive the run.)
let server: Promise<PostgresServer> | undefined;
let users = 0;

function acquireServer(): Promise<PostgresServer> {
  users += 1;
  server ??= startPostgres();
  return server;
}

async function releaseServer(): Promise<void> {
  users -= 1;
  if (users > 0 || !server) return;
  const running = server;
  server = undefined;
  await (await running).stop();
}

export interface TestDatabase {
  readonly driver: DriverName;
  /** The open database (valid inside tests and hooks). */
  readonly db: Db;
  /** Closes and reopens the same database (same PGlite directory / same URL), as a restart would; no migrations run. */
  reopen(): Promise<Db>;
  /** A temp directory for files (storage) that is removed after the suite. */
  readonly tempDir: string;
  /** What createDb() was given: open a second connection to the same database with it. */
  readonly target: { pgliteDir?: string; databaseUrl?: string };
}

/**
 * Opens a fresh database for the enclosing describe block: migrated, unless `migrate: false`
 * (then empty) or `migrationsDir` names another set of migration files.
 */
export function useTestDatabase(driver: DriverName, options: { migrate?: boolean; migrationsDir?: string } = {}): TestDatabase {
  let db: Db | undefined;
  let tempDir: string | undefined;
  let target: { pgliteDir?: string; databaseUrl?: string } = {};

  beforeAll(async () => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), `ghostly-test-${driver}-`));
    target =
      driver === "pglite" ? { pgliteDir: path.join(tempDir, "pglite") } : { databaseUrl: await (await acquireServer()).createDatabase() };
    db = await createDb({ ...target, maxConnections: 4, migrate: false });
    if (options.migrate !== false) await migrate(db, { dir: options.migrationsDir });
  });

  afterAll(async () => {
    await db?.close();
    db = undefined;
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    if (driver === "postgres") await releaseServer();
  });

  return {
    driver,
    get db() {
      if (!db) throw new Error("the test database is only open inside tests and hooks");
      return db;
    },
    get tempDir() {
      if (!tempDir) throw new Error("the temp directory exists only inside tests and hooks");
      return tempDir;
    },
    get target() {
      return target;
    },
    async reopen() {
      await db?.close();
      db = await createDb({ ...target, maxConnections: 4, migrate: false });
      return db;
    },
  };
}

/** describe.each over TEST_DRIVERS, each with its own fresh database. */
export function forEachDriver(
  name: string,
  body: (t: TestDatabase) => void,
  options: { migrate?: boolean; migrationsDir?: string } = {},
): void {
  describe.each(TEST_DRIVERS)(`${name} [%s]`, (driver) => {
    body(useTestDatabase(driver, options));
  });
}
