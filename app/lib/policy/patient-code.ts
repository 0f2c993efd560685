/**
 * The patient-code rule: P followed by three to nine digits (P001, P014, P1234). Nine digits
 * number every patient a clinic network will ever see; a longer code is a mistake or an attack. Codes are the
 * only patient identity the app stores, so the upload form, the sessions filter and the patient
 * repository all check this one rule.
 */
/** For an HTML `pattern` attribute (which anchors it itself). */
export const PATIENT_CODE_PATTERN = "P[0-9]{3,9}";

/** The rule in words, for messages and form hints. */
export const PATIENT_CODE_RULE = "P followed by three to nine digits";

const PATIENT_CODE = new RegExp(`^${PATIENT_CODE_PATTERN}$`);

export function isPatientCode(value: string): boolean {
  return PATIENT_CODE.test(value);
}
