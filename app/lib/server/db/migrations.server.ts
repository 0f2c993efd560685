/**
 * SQL migration runner. The migrations are the plain SQL files under supabase/migrations (where the
 * Supabase CLI expects them), applied in file-name order, each in its own transaction, and recorded
 * with a checksum in `app_schema_migrations` so an edited, already-applied file is detected.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Db, ScriptQueryable } from "./types.server";

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationStatus {
  applied: number;
  pending: string[];
  /** Applied migrations whose file changed since (or disappeared). */
  mismatched: string[];
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

const MIGRATION_NAME = /^\d{14}_[a-z0-9_]+\.sql$/;
// Serialises migrations of several app servers starting at once on one PostgreSQL.
const LOCK_SQL = "select pg_advisory_xact_lock(hashtext('ghostly.migrations'))";

/**
 * Resolved against the working directory, not this module: the server bundle lives in build/,
 * and `npm start`, the tests and the CLIs all run from the repository root.
 */
export function defaultMigrationsDir(): string {
  return path.resolve(process.cwd(), "supabase", "migrations");
}

export async function readMigrations(dir = defaultMigrationsDir()): Promise<MigrationFile[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    throw new MigrationError(`cannot read migrations directory ${dir}: ${(error as Error).message}`);
  }
  const names = entries.filter((name) => name.endsWith(".sql")).sort();
  const bad = names.filter((name) => !MIGRATION_NAME.test(name));
  if (bad.length > 0) {
    throw new MigrationError(`migration file names must look like 20261126000001_init.sql: ${bad.join(", ")}`);
  }
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

async function ensureTable(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(LOCK_SQL);
    await tx.exec(`create table if not exists app_schema_migrations (
      name text primary key,
      checksum char(64) not null,
      applied_at timestamptz not null default now()
    )`);
  });
}

async function appliedChecksums(q: ScriptQueryable): Promise<Map<string, string>> {
  const { rows } = await q.query<{ name: string; checksum: string }>("select name, checksum from app_schema_migrations order by name");
  return new Map(rows.map((row) => [row.name, row.checksum]));
}

function compare(files: MigrationFile[], applied: Map<string, string>): MigrationStatus {
  const byName = new Map(files.map((file) => [file.name, file]));
  const mismatched = [...applied].filter(([name, checksum]) => byName.get(name)?.checksum !== checksum);
  return {
    applied: applied.size,
    pending: files.filter((file) => !applied.has(file.name)).map((file) => file.name),
    mismatched: mismatched.map(([name]) => name),
  };
}

/** Applies every pending migration; returns the names applied now. */
export async function migrate(db: Db, options: { dir?: string } = {}): Promise<string[]> {
  const files = await readMigrations(options.dir);
  await ensureTable(db);
  const status = compare(files, await appliedChecksums(db));
  if (status.mismatched.length > 0) {
    throw new MigrationError(
      `applied migrations differ from the files on disk (never edit an applied migration; add a new one): ${status.mismatched.join(", ")}`,
    );
  }
  const appliedNow: string[] = [];
  for (const file of files.filter((f) => status.pending.includes(f.name))) {
    await db.transaction(async (tx) => {
      await tx.query(LOCK_SQL);
      // Another server may have applied it while we waited for the lock.
      const done = await tx.query("select 1 from app_schema_migrations where name = $1", [file.name]);
      if (done.rows.length > 0) return;
      try {
        await tx.exec(file.sql);
      } catch (error) {
        throw new MigrationError(`migration ${file.name} failed: ${(error as Error).message}`);
      }
      await tx.query("insert into app_schema_migrations (name, checksum) values ($1, $2)", [file.name, file.checksum]);
      appliedNow.push(file.name);
    });
  }
  return appliedNow;
}

/** For /healthz: how the database compares with the migration files. */
export async function migrationStatus(db: Db, options: { dir?: string } = {}): Promise<MigrationStatus> {
  const files = await readMigrations(options.dir);
  const exists = await db.query<{ present: boolean }>("select to_regclass('app_schema_migrations') is not null as present");
  if (!exists.rows[0]?.present) return { applied: 0, pending: files.map((f) => f.name), mismatched: [] };
  return compare(files, await appliedChecksums(db));
}
