/**
 * The one data-access seam of the app: a tiny interface that both drivers implement —
 * PGlite (embedded, under DATA_DIR) and node-postgres (DATABASE_URL). Types only, so the
 * drivers, the migration runner and connection.server.ts all import it without a loop.
 */
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
