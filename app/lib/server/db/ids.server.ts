const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids: anything else cannot name a row, so lookups answer "not found" without asking the database. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * An id from a URL, as the database spells it: uuids are case-insensitive on input (RFC 9562) and
 * stored lower-case, so `/sessions/ABC…` names the same session as `/sessions/abc…`.
 */
export function idParam(value: string | undefined): string {
  return (value ?? "").trim().toLowerCase();
}
