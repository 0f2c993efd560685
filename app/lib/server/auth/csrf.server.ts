import { randomBytes, timingSafeEqual } from "node:crypto";
import { getSession, type AppSession } from "~/lib/server/auth/cookie-session.server";

/**
 * Synchronizer-token CSRF protection: one random token per cookie session, rendered into every
 * state-changing form by <CsrfInput/> (app/components/csrf.tsx) and compared in the action.
 * Bearer-token API calls carry no cookie and are exempt (the browser never adds that header).
 */
export const CSRF_FIELD = "csrf";

export function newCsrfToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The session's CSRF token, creating one if absent; `created` says the cookie must be re-sent. */
export function ensureCsrfToken(session: AppSession): { token: string; created: boolean } {
  const existing = session.get("csrf");
  if (typeof existing === "string" && existing.length > 0) return { token: existing, created: false };
  const token = newCsrfToken();
  session.set("csrf", token);
  return { token, created: true };
}

export function csrfTokensMatch(expected: unknown, submitted: unknown): boolean {
  if (typeof expected !== "string" || typeof submitted !== "string" || expected.length === 0) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * In every action that changes state: `await requireCsrf(request, formData)`.
 * Throws a 403 Response when the form's `csrf` field does not match the session's token.
 */
export async function requireCsrf(request: Request, formData: FormData): Promise<void> {
  const session = await getSession(request);
  const submitted = formData.get(CSRF_FIELD);
  if (!csrfTokensMatch(session.get("csrf"), submitted)) {
    throw new Response("The form has expired or did not come from this site (CSRF check failed). Reload the page and try again.", {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

/** The header a cookie-session API call (fetch from a page) sends the CSRF token in. */
export const CSRF_HEADER = "X-CSRF-Token";

/**
 * For state-changing /api/* calls: a bearer-token call (`tokenId` set) is exempt; a cookie-session
 * call must send the session's token in the X-CSRF-Token header (or a `csrf` form field). Throws a
 * 403 JSON response otherwise.
 */
export async function requireApiCsrf(request: Request, caller: { tokenId?: string }): Promise<void> {
  if (caller.tokenId) return;
  const session = await getSession(request);
  if (!csrfTokensMatch(session.get("csrf"), request.headers.get(CSRF_HEADER))) {
    throw Response.json(
      { error: `CSRF check failed: send the page's token in the ${CSRF_HEADER} header, or use a bearer token.`, field: CSRF_HEADER },
      { status: 403, headers: { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } },
    );
  }
}
