/** Reading PostgreSQL errors the same way for both drivers. */

/** PostgreSQL error code of a driver error (both drivers expose `code`), e.g. "23505". */
export function pgErrorCode(error: unknown): string | undefined {
  if (error && typeof error === "object" && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return undefined;
}

/** Name of the violated constraint, when the driver reports one. */
export function pgConstraint(error: unknown): string | undefined {
  if (error && typeof error === "object" && "constraint" in error && typeof error.constraint === "string") {
    return error.constraint;
  }
  return undefined;
}
