/**
 * What an API token may be used for, on top of its owner's role: each action of the permission
 * table belongs to exactly one scope, and a token acts only within the scopes it was given.
 * A browser session carries no scopes (it may do whatever the role may).
 */
import type { Action } from "./permissions";

/** Lifetime of a new API token, in days: the default, and the longest allowed. */
export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 365;

export const TOKEN_SCOPES = ["export", "upload", "manage", "admin"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export function isTokenScope(value: unknown): value is TokenScope {
  return typeof value === "string" && (TOKEN_SCOPES as readonly string[]).includes(value);
}

/** What each scope lets a script do (the tokens page shows these). */
export const TOKEN_SCOPE_DESCRIPTIONS: Record<TokenScope, string> = {
  export: "read sessions and download exports",
  upload: "upload sessions",
  manage: "correct, re-process and archive sessions, and read their history",
  admin: "administer users, the scoring configuration and the export history",
};

/** The scope each action needs. A new action must pick one (tsc fails until it does). */
export const SCOPE_OF_ACTION: Record<Action, TokenScope> = {
  review: "export",
  export: "export",
  batch: "export",
  identify: "export",
  upload: "upload",
  edit: "manage",
  admin: "admin",
};

export function scopeFor(action: Action): TokenScope {
  return SCOPE_OF_ACTION[action];
}
