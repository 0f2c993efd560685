/**
 * The permission table: what each role may do at all. Which sessions and patients a caller may
 * touch is the repositories' business (scoped by `visiblePatients`); this says whether the kind of
 * thing is allowed. Server guards (`requirePermission`), repositories and pages all ask `can`.
 */
import { roleOf, type Role, type RoleHolder } from "./roles";
import { SCOPE_OF_ACTION, TOKEN_SCOPES, type TokenScope } from "./scopes";

export type Action =
  /** Open the session list, patient pages and session reviews. */
  | "review"
  /** Upload sessions (and so create patients). */
  | "upload"
  /** Correct the therapist inputs of a stored session. */
  | "edit"
  /** Download the export of one session, or analyse a file without storing it. */
  | "export"
  /** Export many sessions at once. */
  | "batch"
  /** Manage users, the scoring configuration, the export history. */
  | "admin"
  /** See who the therapist is and the C3D parameters that can name a person (not pseudonymised). */
  | "identify";

const PERMISSIONS: Record<Role, ReadonlySet<Action>> = {
  // Batch export for therapists covers only their own patients (the repositories scope it).
  therapist: new Set<Action>(["review", "upload", "edit", "export", "batch", "identify"]),
  // Researchers read pseudonymised data: patient codes only.
  researcher: new Set<Action>(["review", "export", "batch"]),
  admin: new Set<Action>(["review", "upload", "edit", "export", "batch", "admin", "identify"]),
};

/** Whoever the policy is asked about; a caller authenticated by an API token also carries the token's scopes. */
export type ScopedHolder = RoleHolder | { role: Role; scopes?: readonly TokenScope[] };

/** Why a caller may not do something: its role does not allow it, or its API token lacks the scope. */
export type PermissionProblem = { kind: "role" } | { kind: "scope"; scope: TokenScope };

function roleAllows(who: RoleHolder, action: Action): boolean {
  const role = roleOf(who);
  return role !== undefined && (PERMISSIONS[role]?.has(action) ?? false);
}

/**
 * Why this caller may not do this, or null when it may. A caller authenticated by an API token
 * carries the token's `scopes` and acts only within them (docs/decisions/037-token-scopes-and-expiry.md);
 * one without `scopes` (a browser session) may do what its role may.
 */
export function permissionProblem(who: ScopedHolder, action: Action): PermissionProblem | null {
  if (!roleAllows(who, action)) return { kind: "role" };
  const scopes = typeof who === "object" && who !== null && "scopes" in who ? who.scopes : undefined;
  const scope = SCOPE_OF_ACTION[action];
  return scopes === undefined || scopes.includes(scope) ? null : { kind: "scope", scope };
}

/**
 * May this role (or caller, within its token's scopes) do this kind of thing at all? Nobody, or an
 * unknown role, may do nothing.
 */
export function can(who: ScopedHolder, action: Action): boolean {
  return permissionProblem(who, action) === null;
}

/** The scopes worth giving a token of this role: each holds at least one action the role may do. */
export function scopesForRole(who: RoleHolder): TokenScope[] {
  const actions = Object.keys(SCOPE_OF_ACTION) as Action[];
  return TOKEN_SCOPES.filter((scope) => actions.some((action) => SCOPE_OF_ACTION[action] === scope && roleAllows(who, action)));
}

/** Which patients (and so which sessions) a role sees: those it treats, all, or none. */
export type PatientVisibility = "treated" | "all" | "none";

export function visiblePatients(who: RoleHolder): PatientVisibility {
  switch (roleOf(who)) {
    case "therapist":
      return "treated";
    case "researcher":
    case "admin":
      return "all";
    default:
      // A role this module does not know sees nothing rather than everything.
      return "none";
  }
}
