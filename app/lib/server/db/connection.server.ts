/**
 * The one data-access seam of the app: a tiny interface that both drivers implement —
 * PGlite (embedded, under DATA_DIR) and node-postgres (DATABASE_URL).
 * Everything else talks to `getDb()`; tests open their own database with `createDb()`.
 */
import path from "node:path";
import { getConfig } from "../http/config.server";
import { migrate } from "./migrations.server";

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

/** A connection that can also run a multi-statement SQL script (migrations). */
export interface ScriptQueryable extends Queryable {
  exec(sql: string): Promise<void>;
}

export interface Db extends ScriptQueryable {
  /**
   * Runs fn in one transaction: commit when it resolves, roll back when it throws.
   * Inside fn use `tx` only: on PGlite the single connection is held by the transaction, so a
   * query on the Db itself would wait for the transaction to end (a deadlock).
   */
  transaction<T>(fn: (tx: ScriptQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly driver: "pglite" | "postgres";
}

export interface CreateDbOptions {
  /** PostgreSQL connection string; when set, node-postgres is used. */
  databaseUrl?: string;
  /** PGlite data directory (created with its parents when missing). Ignored with databaseUrl. */
  pgliteDir?: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** node-postgres pool size (default 10). */
  maxConnections?: number;
}

/** Opens a database with the given driver. The caller owns it and must `close()` it. */
export async function createDb(options: CreateDbOptions): Promise<Db> {
  let db: Db;
  if (options.databaseUrl) {
    const { createPostgresDb } = await import("./postgres.server");
    db = createPostgresDb(options.databaseUrl, { max: options.maxConnections });
  } else if (options.pgliteDir) {
    // Loaded lazily: a DATABASE_URL deployment never pays for the WASM PostgreSQL.
    const { createPgliteDb } = await import("./pglite.server");
    db = await createPgliteDb(options.pgliteDir);
  } else {
    throw new Error("createDb needs databaseUrl or pgliteDir");
  }
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (error) {
      await db.close().catch(() => undefined);
      throw error;
    }
  }
  return db;
}

// Kept on globalThis so a dev-server module reload does not open a second PGlite on the same dir.
const globalKey = Symbol.for("ghostly.db");
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<Db> };

/**
 * The process-wide database: node-postgres when DATABASE_URL is set, else PGlite under
 * DATA_DIR/pglite. Migrations are applied on first use. A failed open is not cached, so the
 * next call (e.g. /healthz) retries.
 */
export function getDb(): Promise<Db> {
  const g = globalThis as GlobalWithDb;
  if (!g[globalKey]) {
    const config = getConfig();
    const opening = createDb(
      config.DATABASE_URL
        ? { databaseUrl: config.DATABASE_URL }
        : { pgliteDir: path.join(config.DATA_DIR, "pglite") },
    );
    g[globalKey] = opening;
    opening.catch(() => {
      if (g[globalKey] === opening) delete g[globalKey];
    });
  }
  return g[globalKey];
}

/** Closes the process-wide database (tests, graceful shutdown). */
export async function closeDb(): Promise<void> {
  const g = globalThis as GlobalWithDb;
  const opening = g[globalKey];
  delete g[globalKey];
  if (opening) await (await opening).close();
}

/** PostgreSQL error code of a driver error (both drivers expose `code`), e.g. "23505". */
export function pgErrorCode(error: unknown): string | undefined {
  if (error && typeof error === "object" && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return undefined;
}

/** Name of the violated constraint, when the driver reports one. */
export function pgConstraint(error: unknown): string | undefined {
  if (error && typeof error === "object" && "constraint" in error && typeof error.constraint === "string") {
    return error.constraint;
  }
  return undefined;
}
