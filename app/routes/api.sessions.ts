/**
 * POST /api/sessions — the upload API for scripts and the game: a multipart body with `file`,
 * `patient_code` and the upload form's optional inputs and processing options, sent with
 * `Authorization: Bearer <token>` whose token has the scope `upload`.
 * 201 `{ session_id, url }` for a new session, 200 with the stored session's id for a file already
 * stored for that patient; errors as the form answers them (400 / 403 / 413 / 422), as JSON
 * `{ error, errors }` naming the field, with nothing stored. The back-end is the form's
 * (sessions.new/upload.server.ts): one upload pipeline.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { requireApiCaller, requireApiPermission } from "~/lib/server/auth/permissions.server";
import { secureResource } from "~/lib/server/http/security-headers.server";
import { uploadSession } from "./sessions.new/upload.server";

const JSON_HEADERS = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

async function actionUnsecured({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") {
    return Response.json(
      { error: `${request.method} is not allowed here; POST a multipart upload.` },
      { status: 405, headers: { Allow: "POST" } },
    );
  }
  const caller = await requireApiCaller(request);
  requireApiPermission(caller, "upload");
  // A browser session (cookie) must still prove the form came from this site; a bearer token cannot be ridden.
  const result = await uploadSession(caller, request, { csrf: caller.tokenId === undefined, patientCodeMayBeNew: true });
  if (result.ok) {
    const url = new URL(`/sessions/${result.sessionId}`, request.url).toString();
    return Response.json(
      { session_id: result.sessionId, url, duplicate: result.duplicate },
      { status: result.duplicate ? 200 : 201, headers: JSON_HEADERS },
    );
  }
  const first = Object.values(result.errors).find((message) => message !== undefined) ?? "The upload was refused.";
  return Response.json({ error: first, errors: result.errors }, { status: result.status, headers: JSON_HEADERS });
}

export const action = secureResource(actionUnsecured);

export function loader() {
  return Response.json({ error: "GET is not allowed here; POST a multipart upload." }, { status: 405, headers: { Allow: "POST" } });
}
