import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { getConfig } from "~/lib/server/http/config.server";
import { getDb } from "~/lib/server/db/connection.server";
import type { Queryable } from "~/lib/server/db/types.server";
import { createCookieSessionStorage, type Session, type SessionStorage } from "@remix-run/node";

/**
 * The signed-cookie session: the id of this browser's server-side session (auth-sessions.server.ts),
 * and its CSRF token. The cookie only names the session; every request re-reads the session row
 * and its user (active, role) — see permissions.server.ts — so revocation takes effect at once.
 */
export interface SessionData {
  /** Random id of the auth_sessions row (only its SHA-256 is stored). */
  sid: string;
  csrf: string;
}

export type AppSession = Session<SessionData, SessionData>;

export const SESSION_COOKIE_NAME = "ghostly_session";
const SESSION_MAX_AGE_SECONDS = 60 * 60 * 12;

/** The app_secrets row of the generated cookie secret. */
export const SESSION_SECRET_NAME = "session_secret";
/** Where versions before the shared table kept the generated secret (adopted once, never written). */
export const LEGACY_SECRET_FILE = "session-secret";

export interface SessionSecretSource {
  /** The database holding app_secrets (default: the process database). */
  db?: Queryable;
  /** Where a legacy `session-secret` file may be (default: DATA_DIR). */
  dataDir?: string;
}

/**
 * SESSION_SECRET (comma-separated for rotation: first signs, all verify) or, when unset, one
 * secret stored in the database's app_secrets, so every app server sharing the database signs and
 * verifies with the same one and sessions survive restarts. The first server to start writes it:
 * an existing DATA_DIR/session-secret file's value (so embedded installs keep their signed-in
 * users), else 32 random bytes; `on conflict do nothing` then a read back makes every racing
 * server end up with the row that won (docs/decisions/034-sign-in-rate-limit-shared.md).
 */
export async function resolveSessionSecrets(source: SessionSecretSource = {}): Promise<string[]> {
  const config = getConfig();
  const configured = config.SESSION_SECRET?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (configured && configured.length > 0) return configured;
  const db = source.db ?? (await getDb());
  const stored = await readStoredSecret(db);
  if (stored) return [stored];
  const candidate = (await readLegacySecret(source.dataDir ?? config.DATA_DIR)) ?? randomBytes(32).toString("base64url");
  await db.query("insert into app_secrets (name, value) values ($1, $2) on conflict (name) do nothing", [SESSION_SECRET_NAME, candidate]);
  const winner = await readStoredSecret(db);
  if (!winner) throw new Error("app_secrets: the session secret row vanished right after it was written");
  return [winner];
}

async function readStoredSecret(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ value: string }>("select value from app_secrets where name = $1", [SESSION_SECRET_NAME]);
  return rows[0]?.value ?? null;
}

async function readLegacySecret(dataDir: string): Promise<string | null> {
  try {
    const value = (await readFile(join(dataDir, LEGACY_SECRET_FILE), "utf8")).trim();
    // The old code regenerated a shorter (damaged) file too; the table refuses < 32 characters.
    return value.length >= 32 ? value : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** The cookie session storage signed with these secrets (the first signs, all verify). */
export function createAppSessionStorage(secrets: string[]): SessionStorage<SessionData, SessionData> {
  return createCookieSessionStorage<SessionData, SessionData>({
    cookie: {
      name: SESSION_COOKIE_NAME,
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: false, // decided per request in commitSession below
      maxAge: SESSION_MAX_AGE_SECONDS,
      secrets,
    },
  });
}

let storage: Promise<SessionStorage<SessionData, SessionData>> | null = null;

function sessionStorage(): Promise<SessionStorage<SessionData, SessionData>> {
  if (!storage) {
    const opening = resolveSessionSecrets().then(createAppSessionStorage);
    storage = opening;
    // A failed database read is not cached: the next request retries.
    opening.catch(() => {
      if (storage === opening) storage = null;
    });
  }
  return storage;
}

/**
 * True when the browser talks https to us. The server entry builds the request URL from the
 * socket, and from X-Forwarded-Proto only with TRUST_PROXY (docs/decisions/039-trusted-proxies-and-sign-in-limits.md):
 * a client's own header never decides.
 */
export function isHttpsRequest(request: Request): boolean {
  return new URL(request.url).protocol === "https:";
}

export async function getSession(request: Request): Promise<AppSession> {
  return (await sessionStorage()).getSession(request.headers.get("Cookie"));
}

export async function commitSession(request: Request, session: AppSession): Promise<string> {
  return (await sessionStorage()).commitSession(session, { secure: isHttpsRequest(request) });
}

export async function destroySession(request: Request, session: AppSession): Promise<string> {
  return (await sessionStorage()).destroySession(session, { secure: isHttpsRequest(request) });
}

/** A fresh, empty session (used at sign-in so nothing from the anonymous session carries over). */
export async function newSession(): Promise<AppSession> {
  return (await sessionStorage()).getSession();
}
