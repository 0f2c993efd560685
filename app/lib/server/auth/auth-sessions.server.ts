/**
 * Signed-in sessions kept on the server (table auth_sessions, docs/decisions/038-revocable-sessions.md).
 * The cookie carries a random session id; the database keeps only its SHA-256, the user and an
 * absolute end 12 hours after sign-in. A request is signed in only while its row exists, has not
 * ended and its user is active — so signing out, "sign out everywhere", deactivation, a password
 * change and a role change (users.server.ts deletes the rows) take effect on the very next request,
 * also for a copy of the cookie.
 */
import { createHash, randomBytes } from "node:crypto";
import { dbOf, type QueryOptions } from "~/lib/server/repositories/options.server";
import { toUser, userColumns, type User, type UserRow } from "~/lib/server/auth/users.server";

/** Absolute lifetime of a session, whatever the cookie's own expiry says. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
/** At most this many ended rows are deleted per sign-in, so no request pays for a backlog. */
const PRUNE_BATCH = 200;

function hashSessionId(sessionId: string): string {
  return createHash("sha256").update(sessionId, "utf8").digest("hex");
}

/** Opens a session for the user and returns its id (for the cookie; never stored as such). */
export async function openAuthSession(userId: string, options: QueryOptions = {}): Promise<string> {
  const db = await dbOf(options);
  const sessionId = randomBytes(32).toString("base64url");
  await db.query(
    `insert into auth_sessions (id_hash, user_id, created_at, expires_at)
     values ($1, $2, statement_timestamp(), statement_timestamp() + $3::float8 * interval '1 millisecond')`,
    [hashSessionId(sessionId), userId, SESSION_LIFETIME_MS],
  );
  await db.query(
    `delete from auth_sessions where id_hash in
       (select id_hash from auth_sessions where expires_at <= statement_timestamp() limit $1)`,
    [PRUNE_BATCH],
  );
  return sessionId;
}

/** The active user a live session belongs to, or null (unknown, ended, expired, or user deactivated). */
export async function authSessionUser(sessionId: unknown, options: QueryOptions = {}): Promise<User | null> {
  if (typeof sessionId !== "string" || !SESSION_ID.test(sessionId)) return null;
  const db = await dbOf(options);
  const { rows } = await db.query<UserRow>(
    `select ${userColumns("u")} from auth_sessions s join users u on u.id = s.user_id
      where s.id_hash = $1 and s.expires_at > statement_timestamp() and u.active`,
    [hashSessionId(sessionId)],
  );
  return rows[0] ? toUser(rows[0]) : null;
}

/** Ends one session (signing out). */
export async function closeAuthSession(sessionId: unknown, options: QueryOptions = {}): Promise<void> {
  if (typeof sessionId !== "string" || !SESSION_ID.test(sessionId)) return;
  const db = await dbOf(options);
  await db.query("delete from auth_sessions where id_hash = $1", [hashSessionId(sessionId)]);
}

/** Ends every session of the user ("sign out everywhere"); returns how many there were. */
export async function closeAllAuthSessions(userId: string, options: QueryOptions = {}): Promise<number> {
  const db = await dbOf(options);
  const { rowCount } = await db.query("delete from auth_sessions where user_id = $1", [userId]);
  return rowCount ?? 0;
}

/** How many live sessions the user has (shown on the account page). */
export async function countAuthSessions(userId: string, options: QueryOptions = {}): Promise<number> {
  const db = await dbOf(options);
  const { rows } = await db.query<{ n: number }>(
    "select count(*)::int as n from auth_sessions where user_id = $1 and expires_at > statement_timestamp()",
    [userId],
  );
  return rows[0].n;
}
