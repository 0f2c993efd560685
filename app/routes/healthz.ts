/** Liveness + readiness for load balancers and CI: the database answers and its schema is current. */
import { databaseHealth } from "~/lib/server/db/health.server";
import { secureResource } from "~/lib/server/http/security-headers.server";

async function loaderUnsecured() {
  const { status, body } = await databaseHealth();
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

export const loader = secureResource(loaderUnsecured);
