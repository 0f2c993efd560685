/**
 * Opening the database: `createDb()` picks the driver (PGlite under a directory, or node-postgres
 * on a connection string) and applies pending migrations; `getDb()` is the process-wide one. The
 * interface both drivers implement lives in types.server.ts, so the drivers and the migration
 * runner never import this module.
 */
import path from "node:path";
import { getConfig } from "../http/config.server";
import { migrate } from "./migrations.server";
import type { Db } from "./types.server";

export interface CreateDbOptions {
  /** PostgreSQL connection string; when set, node-postgres is used. */
  databaseUrl?: string;
  /** PGlite data directory (created with its parents when missing). Ignored with databaseUrl. */
  pgliteDir?: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** node-postgres pool size (default 10). */
  maxConnections?: number;
  /** Who opens a PGlite directory, as its lock names it to others (default: script and pid). */
  holder?: string;
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
    db = await createPgliteDb(options.pgliteDir, { holder: options.holder });
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
      config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { pgliteDir: path.join(config.DATA_DIR, "pglite") },
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
