import { redirect } from "@remix-run/node";
import { dbOf, type QueryOptions, type RepositoryOptions } from "~/lib/server/repositories/options.server";
import { newCsrfToken } from "~/lib/server/auth/csrf.server";
import { FailureLimiter } from "~/lib/server/auth/rate-limit.server";
import { commitSession, destroySession, getSession, newSession, type AppSession } from "~/lib/server/auth/cookie-session.server";
import { authenticate, countUsers, type User } from "~/lib/server/auth/users.server";

/** The one message for every failed sign-in: it never tells which of the two was wrong. */
export const BAD_CREDENTIALS_MESSAGE = "Email or password is incorrect.";

const limiter = new FailureLimiter({ limit: 5, windowMs: 60_000 });

/**
 * The client's address as reported by a reverse proxy (first X-Forwarded-For hop, or X-Real-IP),
 * or null when the app is reached directly: remix-serve does not expose the socket address to
 * loaders, and a shared "unknown" key would let one attacker lock everybody out.
 */
export function clientAddress(request: Request): string | null {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  if (forwarded) return forwarded;
  const real = request.headers.get("x-real-ip")?.trim();
  return real || null;
}

export type SignInResult =
  { ok: true; user: User } | { ok: false; reason: "credentials" } | { ok: false; reason: "rate-limited"; retryAfterSeconds: number };

/**
 * Checks credentials under the failure limit: more than 5 failures within a minute for one
 * account or one address refuses further attempts (→ 429 + Retry-After) without checking them.
 * The count lives in the database, shared by every app server.
 */
export async function attemptSignIn(
  request: Request,
  email: string,
  password: string,
  options: RepositoryOptions = {},
): Promise<SignInResult> {
  const db = await dbOf(options);
  const keys = [`account:${email.trim().toLowerCase()}`];
  const address = clientAddress(request);
  if (address) keys.push(`address:${address}`);
  const decision = await limiter.begin(db, keys);
  if (!decision.allowed) return { ok: false, reason: "rate-limited", retryAfterSeconds: decision.retryAfterSeconds };
  let user: User | null;
  try {
    user = await authenticate(email, password, { db });
  } catch (error) {
    await limiter.abandoned(db, decision.attempt).catch(() => undefined);
    throw error;
  }
  // A failure needs no further write: the admitted attempt is already counted as one.
  if (!user) return { ok: false, reason: "credentials" };
  await limiter.succeeded(db, decision.attempt, keys[0]);
  return { ok: true, user };
}

/** Only same-site absolute paths: never `//evil.example` or `/\evil.example`. */
export function safeRedirectPath(to: FormDataEntryValue | string | null | undefined, fallback = "/sessions"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  if ([...to].some((ch) => ch < " ")) return fallback; // a control character (U+0000–U+001F)
  return to;
}

/**
 * Signs the user in: a brand-new session (nothing of the anonymous one carries over, and a new
 * CSRF token), then a redirect.
 */
export async function createUserSession(request: Request, user: SessionUser, redirectTo: string): Promise<Response> {
  const { setCookie } = await issueSessionCookie(request, user);
  return redirect(redirectTo, { headers: { "Set-Cookie": setCookie } });
}

type SessionUser = Pick<User, "id" | "sessionVersion">;

/** The Set-Cookie header and CSRF token of a fresh signed-in session. */
async function issueSessionCookie(request: Request, user: SessionUser): Promise<{ setCookie: string; csrf: string }> {
  const session = await newSession();
  const csrf = newCsrfToken();
  session.set("userId", user.id);
  session.set("sv", user.sessionVersion);
  session.set("csrf", csrf);
  return { setCookie: await commitSession(request, session), csrf };
}

/** After the user changed their own password: keep this session (same CSRF token), end the others. */
export async function renewSessionVersion(request: Request, sessionVersion: number): Promise<string> {
  const session = await getSession(request);
  session.set("sv", sessionVersion);
  return commitSession(request, session);
}

/** Is this stored user still the one the session was issued for (active, same session version)? */
export function sessionStillValid(user: User | null, session: AppSession): user is User {
  return user !== null && user.active && (session.get("sv") ?? 0) === user.sessionVersion;
}

export async function signOut(request: Request, redirectTo = "/login"): Promise<Response> {
  const session = await getSession(request);
  return redirect(redirectTo, { headers: { "Set-Cookie": await destroySession(request, session) } });
}

// Once a database has a user it never goes back to none (users are deactivated, not deleted),
// so the check costs one query per database per process.
const databasesWithUsers = new WeakSet<object>();

export async function hasAnyUser(options: QueryOptions = {}): Promise<boolean> {
  const db = await dbOf(options);
  if (databasesWithUsers.has(db)) return true;
  const any = (await countUsers({ db })) > 0;
  if (any) databasesWithUsers.add(db);
  return any;
}
