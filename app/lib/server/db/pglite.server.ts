/** The embedded driver: PostgreSQL compiled to WASM, persisted in a directory. */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { lockDirectory } from "./directory-lock.server";
import type { Db, QueryResult, ScriptQueryable } from "./types.server";

function wrap(conn: PGlite | Transaction): ScriptQueryable {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const result = await conn.query<T>(sql, params);
      // PGlite reports affectedRows for writes only; node-postgres' rowCount also counts SELECT rows.
      return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await conn.exec(sql);
    },
  };
}

/**
 * Opens (creating it when missing) the data directory, after taking its lock: a second process,
 * or a second open in this one, gets a DirectoryLockedError naming the holder.
 */
export async function createPgliteDb(dir: string, options: { holder?: string } = {}): Promise<Db> {
  const absolute = path.resolve(dir);
  // PGlite.create fails when the parent directory is missing.
  await mkdir(path.dirname(absolute), { recursive: true });
  const lock = await lockDirectory(absolute, options.holder ?? `${path.basename(process.argv[1] ?? "node")} pid ${process.pid}`);
  let pg: PGlite;
  try {
    pg = await PGlite.create(absolute);
  } catch (error) {
    await lock.release();
    throw error;
  }
  const base = wrap(pg);
  return {
    driver: "pglite",
    ...base,
    transaction<T>(fn: (tx: ScriptQueryable) => Promise<T>): Promise<T> {
      return pg.transaction((tx) => fn(wrap(tx)));
    },
    async close() {
      if (!pg.closed) await pg.close();
      await lock.release();
    },
  };
}
