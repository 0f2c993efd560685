import { createHash, randomBytes } from "node:crypto";
import type { Caller, Role } from "~/lib/server/auth/caller.server";
import { dbOf, type QueryOptions } from "~/lib/server/repositories/options.server";
import { isUuid } from "~/lib/server/db/ids.server";

/**
 * Personal API tokens for scripts (pandas, R, the front end's `Authorization: Bearer …`).
 * The token is 32 random bytes, base64url, behind a recognisable prefix (so secret scanners and
 * people can tell what leaked). Only its SHA-256 is stored: a database dump does not yield
 * working tokens, and a fast hash is enough because the input has 256 bits of entropy.
 */
export const API_TOKEN_PREFIX = "ghostly_pat_";
const TOKEN_BODY = /^[A-Za-z0-9_-]{43}$/;

export function generateApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** Hex SHA-256 of the whole token string, prefix included. */
export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function looksLikeApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX) && TOKEN_BODY.test(token.slice(API_TOKEN_PREFIX.length));
}

export interface ApiToken {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface TokenRow {
  id: string;
  name: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

const toDate = (v: Date | string | null) => (v === null ? null : new Date(v));
function toToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at),
    lastUsedAt: toDate(row.last_used_at),
    revokedAt: toDate(row.revoked_at),
  };
}

export class TokenNameError extends Error {}

/** Creates a token of the caller's own; the plain value is returned this once and never stored. */
export async function createApiToken(
  caller: Caller,
  name: string,
  options: QueryOptions = {},
): Promise<{ token: string; record: ApiToken }> {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100) throw new TokenNameError("Give the token a name of 1 to 100 characters.");
  const token = generateApiToken();
  const db = await dbOf(options);
  const { rows } = await db.query<TokenRow>(
    `INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($1, $2, $3)
     RETURNING id, name, created_at, last_used_at, revoked_at`,
    [caller.userId, trimmed, hashApiToken(token)],
  );
  return { token, record: toToken(rows[0]) };
}

/** The caller's own tokens, newest first. */
export async function listApiTokens(caller: Caller, options: QueryOptions = {}): Promise<ApiToken[]> {
  const db = await dbOf(options);
  const { rows } = await db.query<TokenRow>(
    `SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens
     WHERE user_id = $1 ORDER BY created_at DESC`,
    [caller.userId],
  );
  return rows.map(toToken);
}

/** Revokes one of the user's own tokens; false when there is no such (unrevoked) token of theirs. */
export async function revokeApiToken(caller: Caller, tokenId: string, options: QueryOptions = {}): Promise<boolean> {
  if (!isUuid(tokenId)) return false;
  const db = await dbOf(options);
  const { rowCount } = await db.query("UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL", [
    tokenId,
    caller.userId,
  ]);
  return rowCount === 1;
}

export interface TokenCaller {
  userId: string;
  role: Role;
  tokenId: string;
}

/**
 * How stale `last_used_at` may get. The column answers "is this token still in use?" on the tokens
 * page; writing it on every request made each API call a write (a WAL record and, on PGlite, a
 * flush) for a minute-resolution fact.
 */
export const TOKEN_LAST_USED_RESOLUTION_S = 60;

/**
 * The caller a Bearer token stands for, or null when the token is unknown, revoked, or its user
 * is deactivated. Marks the token as used, at most once per TOKEN_LAST_USED_RESOLUTION_S.
 */
export async function callerForApiToken(token: string, options: QueryOptions = {}): Promise<TokenCaller | null> {
  if (!looksLikeApiToken(token)) return null;
  const db = await dbOf(options);
  const { rows } = await db.query<{ token_id: string; user_id: string; role: Role; stale: boolean }>(
    `SELECT t.id AS token_id, u.id AS user_id, u.role,
            (t.last_used_at IS NULL OR t.last_used_at < now() - make_interval(secs => $2)) AS stale
       FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active`,
    [hashApiToken(token), TOKEN_LAST_USED_RESOLUTION_S],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.stale) {
    // Concurrent requests may both see it stale: both write now(), which is harmless.
    await db.query("UPDATE api_tokens SET last_used_at = now() WHERE id = $1", [row.token_id]);
  }
  return { userId: row.user_id, role: row.role, tokenId: row.token_id };
}
