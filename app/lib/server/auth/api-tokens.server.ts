import { createHash, randomBytes } from "node:crypto";
import { DEFAULT_TOKEN_DAYS, isTokenScope, MAX_TOKEN_DAYS, scopesForRole, TOKEN_SCOPES, type TokenScope } from "~/lib/policy";
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
  scopes: TokenScope[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface TokenRow {
  id: string;
  name: string;
  scopes: string[];
  created_at: Date | string;
  expires_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

const TOKEN_COLUMNS = "id, name, scopes, created_at, expires_at, last_used_at, revoked_at";

const toDate = (v: Date | string | null) => (v === null ? null : new Date(v));
function toToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.filter(isTokenScope),
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    lastUsedAt: toDate(row.last_used_at),
    revokedAt: toDate(row.revoked_at),
  };
}

/** A token request that cannot be granted; `field` names the form field (name, scopes, days). */
export class TokenInputError extends Error {
  constructor(
    message: string,
    readonly field: "name" | "scopes" | "days",
  ) {
    super(message);
  }
}

export interface NewApiToken {
  name: string;
  /** Default ["export"]. Each must be one the owner's role can use. */
  scopes?: readonly string[];
  /** Lifetime in whole days, 1..MAX_TOKEN_DAYS; default DEFAULT_TOKEN_DAYS. */
  days?: number;
}

/** Checks a token request against the owner's role; returns the scopes (deduplicated, in TOKEN_SCOPES order) and days. */
export function validateNewToken(role: Role, input: NewApiToken): { name: string; scopes: TokenScope[]; days: number } {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw new TokenInputError("Give the token a name of 1 to 100 characters.", "name");
  const asked = input.scopes ?? ["export"];
  const unknown = asked.filter((s) => !isTokenScope(s));
  if (unknown.length > 0) {
    throw new TokenInputError(
      `Unknown scope ${unknown.map((s) => JSON.stringify(s)).join(", ")}: use ${TOKEN_SCOPES.join(", ")}.`,
      "scopes",
    );
  }
  if (asked.length === 0) throw new TokenInputError("Give the token at least one scope.", "scopes");
  const usable = scopesForRole(role);
  const beyond = asked.filter((s) => !usable.includes(s as TokenScope));
  if (beyond.length > 0) {
    throw new TokenInputError(`Your role (${role}) cannot use the scope ${beyond.join(", ")}; it can use ${usable.join(", ")}.`, "scopes");
  }
  const days = input.days ?? DEFAULT_TOKEN_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) {
    throw new TokenInputError(`A token lives 1 to ${MAX_TOKEN_DAYS} days (whole days).`, "days");
  }
  return { name, scopes: TOKEN_SCOPES.filter((s) => asked.includes(s)), days };
}

/**
 * Creates a token of the caller's own; the plain value is returned this once and never stored.
 * Throws TokenInputError for a bad name, scope or lifetime, and for a scope the caller's role
 * cannot use.
 */
export async function createApiToken(
  caller: Caller,
  name: string,
  options: QueryOptions & Omit<NewApiToken, "name"> = {},
): Promise<{ token: string; record: ApiToken }> {
  const valid = validateNewToken(caller.role, { name, scopes: options.scopes, days: options.days });
  const token = generateApiToken();
  const db = await dbOf(options);
  const { rows } = await db.query<TokenRow>(
    `INSERT INTO api_tokens (user_id, name, token_hash, scopes, expires_at)
     VALUES ($1, $2, $3, $4::text[], now() + make_interval(days => $5))
     RETURNING ${TOKEN_COLUMNS}`,
    [caller.userId, valid.name, hashApiToken(token), valid.scopes, valid.days],
  );
  return { token, record: toToken(rows[0]) };
}

/** The caller's own tokens, newest first. */
export async function listApiTokens(caller: Caller, options: QueryOptions = {}): Promise<ApiToken[]> {
  const db = await dbOf(options);
  const { rows } = await db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC`, [
    caller.userId,
  ]);
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
  /** What the token may be used for (the policy checks them on top of the role). */
  scopes: TokenScope[];
}

/**
 * How stale `last_used_at` may get. The column answers "is this token still in use?" on the tokens
 * page; writing it on every request made each API call a write (a WAL record and, on PGlite, a
 * flush) for a minute-resolution fact.
 */
export const TOKEN_LAST_USED_RESOLUTION_S = 60;

/**
 * The caller a Bearer token stands for, or null when the token is unknown, revoked, or its user
 * is deactivated; `{ expiredAt }` when it has expired. Marks the token as used, at most once per
 * TOKEN_LAST_USED_RESOLUTION_S.
 */
export async function callerForApiToken(token: string, options: QueryOptions = {}): Promise<TokenCaller | { expiredAt: Date } | null> {
  if (!looksLikeApiToken(token)) return null;
  const db = await dbOf(options);
  const { rows } = await db.query<{
    token_id: string;
    user_id: string;
    role: Role;
    scopes: string[];
    expires_at: Date | string;
    expired: boolean;
    stale: boolean;
  }>(
    `SELECT t.id AS token_id, u.id AS user_id, u.role, t.scopes, t.expires_at, t.expires_at <= now() AS expired,
            (t.last_used_at IS NULL OR t.last_used_at < now() - make_interval(secs => $2)) AS stale
       FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active`,
    [hashApiToken(token), TOKEN_LAST_USED_RESOLUTION_S],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.expired) return { expiredAt: new Date(row.expires_at) };
  if (row.stale) {
    // Concurrent requests may both see it stale: both write now(), which is harmless.
    await db.query("UPDATE api_tokens SET last_used_at = now() WHERE id = $1", [row.token_id]);
  }
  return { userId: row.user_id, role: row.role, tokenId: row.token_id, scopes: row.scopes.filter(isTokenScope) };
}
