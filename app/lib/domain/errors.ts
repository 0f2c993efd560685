/**
 * A processing parameter (or session input) with a value the pipeline cannot use. `field` is the
 * parameter's export name (`filter_low_cutoff_hz`, `rpe_post_session` …) so forms can show the
 * message beside it; routes answer 400.
 */
export class ParameterError extends Error {
  readonly status = 400;
  readonly code = "invalid_parameter";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "ParameterError";
  }
}
