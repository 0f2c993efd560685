/**
 * POST /api/sessions/:sessionId/reprocess — JSON body with the upload's option names
 * (`channel_left`, `channel_right`, processing parameters, `timing_source`, therapist inputs) →
 * 200 with the new canonical export (JSON). 400 naming a bad field, 401, 403 (researchers; a
 * cookie-session call without the CSRF header), 404 missing or not visible, 409 raw file missing.
 */
import { readJsonBody, RequestBodyError } from "~/lib/server/http/form.server";
import type { ActionFunctionArgs } from "@remix-run/node";
import { requireApiCsrf } from "~/lib/server/auth/csrf.server";
import { requireApiCaller, requireApiPermission } from "~/lib/server/auth/permissions.server";
import { exportError, exportStoredSession } from "~/lib/server/export.server";
import { secureResource } from "~/lib/server/http/security-headers.server";
import { reprocessFields, reprocessSession } from "~/lib/server/reprocess.server";

function answer(status: number, error: string, field: string): Response {
  return Response.json({ error, field }, { status, headers: { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });
}

async function actionUnsecured({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return exportError(405, "use POST", "method");
  const caller = await requireApiCaller(request);
  // Token scopes are not on main yet: the role's "edit" permission decides (therapists, admins).
  requireApiPermission(caller, "edit");
  await requireApiCsrf(request, caller);
  let body: unknown;
  try {
    body = await readJsonBody(request);
  } catch (error) {
    if (error instanceof RequestBodyError) return answer(error.status, error.message, "body");
    throw error;
  }
  const parsed = reprocessFields(body);
  if (!parsed.ok) return answer(400, parsed.error, parsed.field);
  const sessionId = params.sessionId ?? "";
  const result = await reprocessSession(caller, sessionId, parsed.fields);
  if (!result.ok) return answer(result.status, result.error, result.field);
  const exp = await exportStoredSession(caller, sessionId);
  if (!exp) return answer(404, `session ${sessionId} was not found`, "sessionId");
  return Response.json(exp, { headers: { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });
}

export const action = secureResource(actionUnsecured);

/** GET and other methods without an action: 405 naming the method to use. */
export const loader = secureResource(() => Promise.resolve(exportError(405, "use POST", "method")));
