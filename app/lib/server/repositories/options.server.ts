/**
 * The one signature of every repository function: the caller first (what it may see and do), then
 * the arguments, then these optional options — the database (and storage) to use, defaulting to
 * the process-wide ones. Routes never open the database themselves; tests pass their own.
 */
import { getDb } from "~/lib/server/db/connection.server";
import type { Db, Queryable } from "~/lib/server/db/types.server";
import type { BlobStorage } from "~/lib/server/storage/blobs.server";

export interface QueryOptions {
  /** A database or an open transaction (default: getDb()). */
  db?: Queryable;
}

/** For functions that open a transaction of their own, or store files. */
export interface RepositoryOptions {
  /** Defaults to getDb(). */
  db?: Queryable & Pick<Db, "transaction">;
  /** Defaults to getStorage(). */
  storage?: BlobStorage;
}

/** The database of these options: the given one, else the process-wide one. */
export async function dbOf<Q extends Queryable>(options: { db?: Q } = {}): Promise<Q | Db> {
  return options.db ?? (await getDb());
}
