/**
 * The permission table: what each role may do at all. Which sessions and patients a caller may
 * touch is the repositories' business (scoped by `visiblePatients`); this says whether the kind of
 * thing is allowed. Server guards (`requirePermission`), repositories and pages all ask `can`.
 */
import { roleOf, type Role, type RoleHolder } from "./roles";

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

/** May this role (or caller) do this kind of thing at all? Nobody, or an unknown role, may do nothing. */
export function can(who: RoleHolder, action: Action): boolean {
  const role = roleOf(who);
  return role !== undefined && (PERMISSIONS[role]?.has(action) ?? false);
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
