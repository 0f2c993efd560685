/**
 * The errors the repositories throw, each with the HTTP status a route answers it with. Routes and
 * page back-ends turn them into that status and a message on the field they name.
 */

/** The caller may not do this at all (e.g. a researcher storing a session) → HTTP 403. */
export class ForbiddenError extends Error {
  override name = "ForbiddenError";
  readonly status = 403;
}

/** Missing, or not visible to the caller (deliberately the same answer) → HTTP 404. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
  readonly status = 404;
}

/** Input that breaks a rule the database enforces (which field, which rule) → HTTP 422. */
export class ValidationError extends Error {
  override name = "ValidationError";
  readonly status = 422;
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
