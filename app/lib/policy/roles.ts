/**
 * The three roles of the app. A therapist treats their own patients; a researcher reads every
 * session pseudonymised (patient codes only) and exports cohorts; an admin manages users and the
 * scoring configuration and may do what the other two do.
 */
export const ROLES = ["therapist", "researcher", "admin"] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Whoever the policy is asked about: a role, anything carrying one (a caller, the layout user), or nobody. */
export type RoleHolder = Role | { role: Role } | null | undefined;

/** The role of a holder; undefined for nobody (an anonymous visitor). */
export function roleOf(who: RoleHolder): Role | undefined {
  return typeof who === "string" ? who : (who?.role ?? undefined);
}
