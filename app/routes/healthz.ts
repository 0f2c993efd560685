/** Liveness + readiness for load balancers and CI: the database answers and its schema is current. */
import { getDb } from "~/lib/server/db/connection.server";
import { migrationStatus } from "~/lib/server/db/migrations.server";
import { secureResource } from "~/lib/server/http/security-headers.server";

const noStore = { "Cache-Control": "no-store" };

async function loaderUnsecured() {
  try {
    const db = await getDb();
    await db.query("select 1");
    const status = await migrationStatus(db);
    if (status.pending.length > 0 || status.mismatched.length > 0) {
      return Response.json(
        {
          status: "error",
          reason: "migrations not current",
          database: db.driver,
          migrations: { applied: status.applied, pending: status.pending.length, mismatched: status.mismatched },
        },
        { status: 503, headers: noStore },
      );
    }
    return Response.json(
      { status: "ok", database: db.driver, migrations: { applied: status.applied, pending: 0 } },
      { headers: noStore },
    );
  } catch (error) {
    return Response.json(
      { status: "error", reason: `database unavailable: ${(error as Error).message}` },
      { status: 503, headers: noStore },
    );
  }
}

export const loader = secureResource(loaderUnsecured);
