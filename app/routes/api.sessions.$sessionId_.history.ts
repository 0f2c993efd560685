/**
 * GET /api/sessions/:sessionId/history → `{ events: [{ at, actor, kind, changes }] }`, oldest
 * first. 401 not signed in / bad token, 404 missing or not visible.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiCaller, requireApiPermission } from "~/lib/server/auth/permissions.server";
import { exportError } from "~/lib/server/export.server";
import { secureResource } from "~/lib/server/http/security-headers.server";
import { listSessionEvents } from "~/lib/server/repositories/sessions/history.server";

async function loaderUnsecured({ request, params }: LoaderFunctionArgs) {
  const caller = await requireApiCaller(request);
  requireApiPermission(caller, "review");
  const sessionId = params.sessionId ?? "";
  const events = await listSessionEvents(caller, sessionId);
  if (!events) return exportError(404, `session ${sessionId} was not found`, "sessionId");
  return Response.json({ events }, { headers: { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });
}

export const loader = secureResource(loaderUnsecured);
