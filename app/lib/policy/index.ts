/**
 * The browser-safe policy of the app: roles and what they may do (and what an API token's scopes let it do), who sees identity, the
 * patient-code rule, the date-range grammar and the password rule. No server imports here: pages
 * and components ask the same functions the server enforces with.
 */
export { ROLES, isRole, roleOf, type Role, type RoleHolder } from "./roles";
export {
  can,
  permissionProblem,
  scopesForRole,
  visiblePatients,
  type Action,
  type PatientVisibility,
  type PermissionProblem,
  type ScopedHolder,
} from "./permissions";
export {
  DEFAULT_TOKEN_DAYS,
  isTokenScope,
  MAX_TOKEN_DAYS,
  scopeFor,
  TOKEN_SCOPE_DESCRIPTIONS,
  TOKEN_SCOPES,
  type TokenScope,
} from "./scopes";
export { c3dMetadataFor, pseudonymiseC3dMetadata, seesTherapistIdentity } from "./identity";
export { isPatientCode, PATIENT_CODE_PATTERN, PATIENT_CODE_RULE } from "./patient-code";
export {
  describeDateRangeProblem,
  parseDateRange,
  type DateField,
  type DateRange,
  type DateRangeInput,
  type DateRangeProblem,
  type DateRangeResult,
} from "./date-range";
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblem } from "./password";
