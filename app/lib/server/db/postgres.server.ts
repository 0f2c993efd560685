/** The server driver: a node-postgres pool on DATABASE_URL (any PostgreSQL 15+, Supabase included). */
import pg from "pg";
import type { Db, QueryResult, ScriptQueryable } from "./types.server";

// bigint (count(*), file sizes) arrives as a string by default; our values fit a double exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

function wrap(conn: pg.Pool | pg.PoolClient): ScriptQueryable {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const result = await conn.query(sql, params);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      // Without parameters node-postgres uses the simple protocol, which accepts several statements.
      await conn.query(sql);
    },
  };
}

export function createPostgresDb(connectionString: string, options: { max?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", (error) => console.error("postgres pool error:", error.message));
  const base = wrap(pool);
  let closed = false;
  return {
    driver: "postgres",
    ...base,
    async transaction<T>(fn: (tx: ScriptQueryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // A client whose ROLLBACK failed is in an unknown state: destroy it instead of pooling it.
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await fn(wrap(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
