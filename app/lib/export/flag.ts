/**
 * `USE_ENHANCED_EXPORT` (seed phase 6): the rollback switch of the canonical export. Default on;
 * off → the minimal export (export_metadata, performance_scores, scoring_configuration).
 * Pure: the server reads the environment and passes the raw value in.
 */
const OFF = new Set(["0", "false", "off", "no"]);
const ON = new Set(["1", "true", "on", "yes", ""]);

/**
 * @param value the raw `USE_ENHANCED_EXPORT` value (undefined when unset)
 * @returns true unless the value is one of 0/false/off/no (case-insensitive)
 * @throws Error for any other value, so a typo in the deployment is not silently read as "on"
 */
export function parseEnhancedExportFlag(value: string | undefined): boolean {
  if (value === undefined) return true;
  const v = value.trim().toLowerCase();
  if (OFF.has(v)) return false;
  if (ON.has(v)) return true;
  throw new Error(`USE_ENHANCED_EXPORT must be true/false (or 1/0, on/off, yes/no), got "${value}"`);
}
