import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { getConfig } from "~/lib/server/config.server";
import { createCookieSessionStorage, type Session, type SessionStorage } from "@remix-run/node";

/**
 * The signed-cookie session: which user is signed in, and the CSRF token of this browser.
 * The cookie only identifies; every request re-reads the user row (active, role) — see
 * permissions.server.ts — so deactivation takes effect at once.
 */
export interface SessionData {
  userId: string;
  /** users.session_version when the session was issued. */
  sv: number;
  csrf: string;
}

export type AppSession = Session<SessionData, SessionData>;

export const SESSION_COOKIE_NAME = "ghostly_session";
const SESSION_MAX_AGE_SECONDS = 60 * 60 * 12;


/**
 * SESSION_SECRET (comma-separated for rotation: first signs, all verify) or, when unset, a
 * random secret generated on first start and kept in DATA_DIR/session-secret (mode 0600) so
 * sessions survive restarts. Several app servers behind a load balancer must share SESSION_SECRET.
 */
export function resolveSessionSecrets(): string[] {
  const config = getConfig();
  const configured = config.SESSION_SECRET?.split(",").map((s) => s.trim()).filter(Boolean);
  if (configured && configured.length > 0) return configured;
  const file = join(config.DATA_DIR, "session-secret");
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return [existing];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    // "wx": if another process created it meanwhile, keep theirs.
    writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return [readFileSync(file, "utf8").trim()];
    throw error;
  }
  chmodSync(file, 0o600);
  return [secret];
}

let storage: SessionStorage<SessionData, SessionData> | null = null;

function sessionStorage(): SessionStorage<SessionData, SessionData> {
  storage ??= createCookieSessionStorage<SessionData, SessionData>({
    cookie: {
      name: SESSION_COOKIE_NAME,
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: false, // decided per request in commitSession below
      maxAge: SESSION_MAX_AGE_SECONDS,
      secrets: resolveSessionSecrets(),
    },
  });
  return storage;
}

/** True when the browser talks https to us, directly or through a TLS-terminating proxy. */
export function isHttpsRequest(request: Request): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (forwarded) return forwarded === "https";
  return new URL(request.url).protocol === "https:";
}

export function getSession(request: Request): Promise<AppSession> {
  return sessionStorage().getSession(request.headers.get("Cookie"));
}

export function commitSession(request: Request, session: AppSession): Promise<string> {
  return sessionStorage().commitSession(session, { secure: isHttpsRequest(request) });
}

export function destroySession(request: Request, session: AppSession): Promise<string> {
  return sessionStorage().destroySession(session, { secure: isHttpsRequest(request) });
}

/** A fresh, empty session (used at sign-in so nothing from the anonymous session carries over). */
export function newSession(): Promise<AppSession> {
  return sessionStorage().getSession();
}
