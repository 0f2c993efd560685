/**
 * Pseudonymisation: who sees therapist identity, and which stored values can name a person.
 * Researchers read pseudonymised data — patient codes only — so they get no therapist name and
 * none of the identifying C3D parameters.
 */
import { can } from "./permissions";
import type { RoleHolder } from "./roles";

export function seesTherapistIdentity(who: RoleHolder): boolean {
  return can(who, "identify");
}

/** C3D parameters that can name a person: the player (patient) and the therapist the game recorded. */
const IDENTIFYING_C3D_PARAMETERS: Record<string, RegExp> = {
  subjects: /^(PLAYER_NAME|NAMES|LABEL_PREFIXES)$/i,
  info: /^(THERAPIST_ID|THERAPIST|PATIENT|PATIENT_NAME|PLAYER_NAME)$/i,
};

/** A copy of the C3D metadata with every identifying parameter set to null. */
export function pseudonymiseC3dMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...metadata };
  for (const [group, identifying] of Object.entries(IDENTIFYING_C3D_PARAMETERS)) {
    const values = copy[group];
    if (values && typeof values === "object" && !Array.isArray(values)) {
      copy[group] = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, identifying.test(name) ? null : value]));
    }
  }
  return copy;
}

/** The C3D metadata as this role may read it. */
export function c3dMetadataFor(who: RoleHolder, metadata: Record<string, unknown>): Record<string, unknown> {
  return seesTherapistIdentity(who) ? metadata : pseudonymiseC3dMetadata(metadata);
}
