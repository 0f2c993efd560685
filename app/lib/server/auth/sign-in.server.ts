import { redirect, type AppLoadContext } from "@remix-run/node";
import { dbOf, type QueryOptions, type RepositoryOptions } from "~/lib/server/repositories/options.server";
import { newCsrfToken } from "~/lib/server/auth/csrf.server";
import { FailureLimiter, type LimitRule } from "~/lib/server/auth/rate-limit.server";
import { clientAddress } from "~/lib/server/http/client-address.server";
import { closeAllAuthSessions, closeAuthSession, openAuthSession } from "~/lib/server/auth/auth-sessions.server";
import { commitSession, destroySession, getSession, newSession } from "~/lib/server/auth/cookie-session.server";
import { authenticate, countUsers, normalizeEmail, type User } from "~/lib/server/auth/users.server";

/** The one message for every failed sign-in: it never tells which of the two was wrong. */
export const BAD_CREDENTIALS_MESSAGE = "Email or password is incorrect.";

/**
 * Who may try how often (docs/decisions/039-trusted-proxies-and-sign-in-limits.md). One account from one
 * address, and one address whatever the accounts, are blocked past their budget (429). One
 * account across addresses is never blocked — strangers could then lock its owner out — but every
 * failure past `freeFailures` doubles the wait before the next password check, up to `maxDelayMs`.
 */
export const SIGN_IN_LIMITS = {
  pair: { limit: 5, windowMs: 60_000 },
  address: { limit: 20, windowMs: 60_000 },
  account: { windowMs: 15 * 60_000, freeFailures: 5, baseDelayMs: 250, maxDelayMs: 8_000 },
} as const;

const limiter = new FailureLimiter({ retainMs: SIGN_IN_LIMITS.account.windowMs });

/** The wait before checking a password for an account with this many recent failures from anywhere. */
export function accountDelayMs(failures: number): number {
  const { freeFailures, baseDelayMs, maxDelayMs } = SIGN_IN_LIMITS.account;
  if (failures < freeFailures) return 0;
  return Math.min(maxDelayMs, baseDelayMs * 2 ** (failures - freeFailures));
}

/** The limiter keys of a sign-in attempt; the address is "-" when the request came from no server entry. */
export function signInRules(email: string, address: string | null): LimitRule[] {
  const account = normalizeEmail(email);
  const from = address ?? "-";
  const rules: LimitRule[] = [
    { key: `pair:${account}|${from}`, ...SIGN_IN_LIMITS.pair },
    { key: `account:${account}`, limit: null, windowMs: SIGN_IN_LIMITS.account.windowMs },
  ];
  if (address) rules.push({ key: `address:${address}`, ...SIGN_IN_LIMITS.address });
  return rules;
}

export type SignInResult =
  { ok: true; user: User } | { ok: false; reason: "credentials" } | { ok: false; reason: "rate-limited"; retryAfterSeconds: number };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Checks credentials under the failure limits (SIGN_IN_LIMITS): a blocked pair or address is
 * refused without checking (→ 429 + Retry-After); an account under attack from elsewhere waits
 * `accountDelayMs` first. The counts live in the database, shared by every app server. The
 * account page checks the current password through this too, so its wrong guesses count alike.
 */
export async function attemptSignIn(
  context: AppLoadContext | undefined,
  email: string,
  password: string,
  options: RepositoryOptions = {},
): Promise<SignInResult> {
  const db = await dbOf(options);
  const rules = signInRules(email, clientAddress(context));
  const decision = await limiter.begin(db, rules);
  if (!decision.allowed) return { ok: false, reason: "rate-limited", retryAfterSeconds: decision.retryAfterSeconds };
  let user: User | null;
  try {
    const wait = accountDelayMs(decision.failures[rules[1].key] ?? 0);
    if (wait > 0) await sleep(wait);
    user = await authenticate(email, password, { db });
  } catch (error) {
    await limiter.abandoned(db, decision.attempt).catch(() => undefined);
    throw error;
  }
  // A failure needs no further write: the admitted attempt is already counted as one.
  if (!user) return { ok: false, reason: "credentials" };
  // The owner is in: their pair and the account's slow-down start afresh; the address budget does not.
  await limiter.succeeded(db, decision.attempt, [rules[0].key, rules[1].key]);
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
export async function createUserSession(request: Request, user: Pick<User, "id">, redirectTo: string): Promise<Response> {
  const { setCookie } = await issueSessionCookie(request, user);
  return redirect(redirectTo, { headers: { "Set-Cookie": setCookie } });
}

/** The Set-Cookie header and CSRF token of a fresh signed-in session. */
async function issueSessionCookie(request: Request, user: Pick<User, "id">): Promise<{ setCookie: string; csrf: string }> {
  const session = await newSession();
  const csrf = newCsrfToken();
  session.set("sid", await openAuthSession(user.id));
  session.set("csrf", csrf);
  return { setCookie: await commitSession(request, session), csrf };
}

/**
 * After the user changed their own password (which ended every session of theirs): a new session
 * for this browser, keeping its CSRF token so its other open forms still submit.
 */
export async function reopenSession(request: Request, user: Pick<User, "id">, options: QueryOptions = {}): Promise<string> {
  const session = await getSession(request);
  session.set("sid", await openAuthSession(user.id, options));
  return commitSession(request, session);
}

/** Ends this browser's session, on the server too: a copy of the cookie no longer signs anyone in. */
export async function signOut(request: Request, redirectTo = "/login"): Promise<Response> {
  const session = await getSession(request);
  await closeAuthSession(session.get("sid"));
  return redirect(redirectTo, { headers: { "Set-Cookie": await destroySession(request, session) } });
}

/** Ends every session of the user, this one included. */
export async function signOutEverywhere(request: Request, userId: string, redirectTo = "/login"): Promise<Response> {
  const session = await getSession(request);
  await closeAllAuthSessions(userId);
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
