/**
 * Access control for requests: who is asking (session cookie or API token), and refusing what the
 * policy (app/lib/policy) does not allow.
 *
 * How a route uses it
 * -------------------
 * Page loader/action (redirects to /login?redirectTo=… when nobody is signed in, to /setup while
 * no account exists; a revoked session or a deactivated user is signed out at once):
 *
 *     import { requireUser, requirePermission } from "~/lib/server/auth/permissions.server";
 *     export async function loader({ request }: LoaderFunctionArgs) {
 *       const caller = await requireUser(request);          // { userId, role, user }
 *       requirePermission(caller, "upload");                 // throws 403 if the role may not
 *       return json(await listSessions(caller, ...));        // repositories scope by caller
 *     }
 *
 * API resource route (/api/*; session cookie OR `Authorization: Bearer <token>`; anonymous,
 * unknown/revoked token or deactivated user → 401 JSON, never a redirect):
 *
 *     const caller = await requireApiCaller(request);       // { userId, role, tokenId? }
 *     requireApiPermission(caller, "batch");                // 403 JSON if the role may not
 *     ...
 *     await recordExport(caller, { kind: "session", format, sessionIds: [id] }); // export-history.server
 *
 * Every state-changing form (POST from a page), CSRF:
 *
 *     import { CsrfInput } from "~/components/csrf";
 *     <Form method="post"><CsrfInput /> ... </Form>
 *
 *     export async function action({ request }: ActionFunctionArgs) {
 *       const caller = await requireUser(request);
 *       const formData = await requireForm(request);        // http/form.server: limits, 400/413/415
 *       await requireCsrf(request, formData);               // 403 when missing/wrong
 *       ...
 *     }
 *
 * A session that exists but is not the caller's must answer 404 exactly like a missing one
 * (the repositories throw NotFoundError for both). What each role may do — the permission table
 * `can(role, action)`, who sees therapist identity — is the browser-safe policy (app/lib/policy),
 * which pages ask too.
 */
import { redirect } from "@remix-run/node";
import { can, permissionProblem, type Action, type TokenScope } from "~/lib/policy";
import type { Caller, Role } from "~/lib/server/auth/caller.server";
import { getDb } from "~/lib/server/db/connection.server";
import type { QueryOptions } from "~/lib/server/repositories/options.server";
import { hasAnyUser } from "~/lib/server/auth/sign-in.server";
import { authSessionUser } from "~/lib/server/auth/auth-sessions.server";
import { ensureCsrfToken } from "~/lib/server/auth/csrf.server";
import { commitSession, destroySession, getSession } from "~/lib/server/auth/cookie-session.server";
import { callerForApiToken } from "~/lib/server/auth/api-tokens.server";
import type { User } from "~/lib/server/auth/users.server";

export { requireCsrf } from "~/lib/server/auth/csrf.server";

export interface PageCaller extends Caller {
  user: User;
}

export interface ApiCaller extends Caller {
  /** Set when the request was authenticated by an API token (recorded in the export history). */
  tokenId?: string;
  /** The token's scopes; the policy lets a token act only within them. Absent for a browser session. */
  scopes?: TokenScope[];
}

/** The path (and query) to come back to after signing in; single-fetch `.data` URLs map to their page. */
function returnPath(request: Request): string {
  const url = new URL(request.url);
  const pathname = url.pathname.replace(/\.data$/, "").replace(/^\/_root$/, "/") || "/";
  url.searchParams.delete("_data");
  url.searchParams.delete("_routes");
  const search = url.searchParams.toString();
  return pathname + (search ? `?${search}` : "");
}

export function loginUrl(request: Request): string {
  const back = returnPath(request);
  return back === "/" || back === "/login" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`;
}

/** The signed-in, active user of this request, or null. Never throws for anonymous requests. */
export async function getSignedInUser(request: Request, options: QueryOptions = {}): Promise<User | null> {
  const session = await getSession(request);
  if (session.get("sid") === undefined) return null;
  return authSessionUser(session.get("sid"), options);
}

/**
 * For pages: the signed-in caller, or a thrown redirect — to /setup while there is no account, to
 * /login otherwise (clearing the cookie of a deactivated or deleted user).
 */
export async function requireUser(request: Request): Promise<PageCaller> {
  const db = await getDb();
  if (!(await hasAnyUser({ db }))) throw redirect("/setup");
  const session = await getSession(request);
  if (session.get("sid") !== undefined) {
    const user = await authSessionUser(session.get("sid"), { db });
    if (user) return { userId: user.id, role: user.role, user };
    // Signed out elsewhere, revoked, expired or deactivated: the cookie goes too.
    throw redirect(loginUrl(request), { headers: { "Set-Cookie": await destroySession(request, session) } });
  }
  throw redirect(loginUrl(request));
}

/** For pages only an admin may see. Signed-in non-admins get 403. */
export async function requireAdmin(request: Request): Promise<PageCaller> {
  const caller = await requireUser(request);
  requirePermission(caller, "admin");
  return caller;
}

/** Throws a 403 page response when the role may not do this. */
export function requirePermission(caller: Pick<Caller, "role">, action: Action): void {
  if (!can(caller, action)) {
    throw new Response(`Your role (${caller.role}) may not ${action}.`, {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

function apiError(status: 401 | 403, message: string, headers: Record<string, string> = {}): Response {
  return Response.json(
    { error: message },
    { status, headers: { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", ...headers } },
  );
}

/**
 * For /api/* resource routes: a Bearer token when an Authorization header is sent (then the cookie
 * is ignored), else the session cookie. Anything else throws a 401 JSON response.
 */
export async function requireApiCaller(request: Request): Promise<ApiCaller> {
  const db = await getDb();
  const authorization = request.headers.get("Authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) {
      throw apiError(401, "Authorization header must be 'Bearer <token>'.", {
        "WWW-Authenticate": 'Bearer error="invalid_request"',
      });
    }
    const caller = await callerForApiToken(match[1], { db });
    if (!caller) {
      throw apiError(401, "The API token is invalid or has been revoked.", {
        "WWW-Authenticate": 'Bearer error="invalid_token"',
      });
    }
    if ("expiredAt" in caller) {
      throw apiError(401, `The API token expired on ${caller.expiredAt.toISOString()}; create a new one.`, {
        "WWW-Authenticate": 'Bearer error="invalid_token", error_description="token expired"',
      });
    }
    return caller;
  }
  const user = await getSignedInUser(request, { db });
  if (!user) throw apiError(401, "Sign in or send 'Authorization: Bearer <token>'.", { "WWW-Authenticate": "Bearer" });
  return { userId: user.id, role: user.role };
}

/** Throws a 403 JSON response when the role may not do this, or the API token lacks the scope for it (named). */
export function requireApiPermission(caller: Pick<ApiCaller, "role" | "scopes">, action: Action): void {
  const problem = permissionProblem(caller, action);
  if (problem?.kind === "role") throw apiError(403, `Your role (${caller.role}) may not ${action}.`);
  if (problem?.kind === "scope") {
    throw apiError(
      403,
      `This API token lacks the scope '${problem.scope}' (it has: ${caller.scopes?.join(", ")}); create a token with that scope.`,
      { "WWW-Authenticate": `Bearer error="insufficient_scope", scope="${problem.scope}"` },
    );
  }
}

/** Pages anybody may open: everything else needs a signed-in user (checked again in the root loader). */
const PUBLIC_PAGES = new Set(["/login", "/setup"]);

export interface LayoutUser {
  displayName: string;
  email: string;
  role: Role;
}

/**
 * For the root loader: the signed-in user for the header and the CSRF token for <CsrfInput/>.
 * A second line of defence for pages — anonymous visitors of any non-public page are sent to
 * /login even if that page's own loader forgot requireUser; while there is no account, every
 * page leads to /setup.
 */
export async function layoutAuth(request: Request): Promise<{ user: LayoutUser | null; csrf: string; headers: Headers }> {
  const db = await getDb();
  const path = returnPath(request).split("?")[0];
  if (!(await hasAnyUser({ db })) && path !== "/setup") throw redirect("/setup");
  const session = await getSession(request);
  const { token, created } = ensureCsrfToken(session);
  let changed = created;
  let user: User | null = null;
  if (session.get("sid") !== undefined) {
    user = await authSessionUser(session.get("sid"), { db });
    if (!user) {
      session.unset("sid");
      changed = true;
    }
  }
  const headers = new Headers();
  if (changed) headers.set("Set-Cookie", await commitSession(request, session));
  if (!user && !PUBLIC_PAGES.has(path)) throw redirect(loginUrl(request), { headers });
  return {
    user: user && { displayName: user.displayName, email: user.email, role: user.role },
    csrf: token,
    headers,
  };
}
