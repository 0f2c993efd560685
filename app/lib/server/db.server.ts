/**
 * The one data-access seam of the app: a tiny interface that both drivers implement —
 * PGlite (embedded, under DATA_DIR) and node-postgres (DATABASE_URL).
 * Implementation: see the foundation issue; everything else talks to `getDb()`.
 */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

export interface Db extends Queryable {
  /** Runs fn in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly driver: "pglite" | "postgres";
}
