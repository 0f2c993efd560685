/**
 * For /healthz: does the process database answer, and is its schema current? The answer a load
 * balancer or CI reads: 200 with the driver and migration count, or 503 with the reason.
 */
import { getDb } from "~/lib/server/db/connection.server";
import { migrationStatus } from "~/lib/server/db/migrations.server";

export type DatabaseHealth =
  | { status: 200; body: { status: "ok"; database: string; migrations: { applied: number; pending: 0 } } }
  | { status: 503; body: { status: "error"; reason: string; database?: string; migrations?: unknown } };

export async function databaseHealth(): Promise<DatabaseHealth> {
  try {
    const db = await getDb();
    await db.query("select 1");
    const status = await migrationStatus(db);
    if (status.pending.length > 0 || status.mismatched.length > 0) {
      return {
        status: 503,
        body: {
          status: "error",
          reason: "migrations not current",
          database: db.driver,
          migrations: { applied: status.applied, pending: status.pending.length, mismatched: status.mismatched },
        },
      };
    }
    return { status: 200, body: { status: "ok", database: db.driver, migrations: { applied: status.applied, pending: 0 } } };
  } catch (error) {
    return { status: 503, body: { status: "error", reason: `database unavailable: ${(error as Error).message}` } };
  }
}
