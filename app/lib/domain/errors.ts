/**
 * A processing parameter (or session input, or scoring configuration field) with a value the
 * pipeline cannot use. `field` is the parameter's export name (`filter_low_cutoff_hz`,
 * `rpe_post_session`, `scoring.weight_compliance` …) so forms can show `rule` beside it; routes
 * answer 400. Thrown by the EMG parameters, the scoring configuration and the analysis options alike.
 */
export class ParameterError extends Error {
  readonly status = 400;
  readonly code = "invalid_parameter";
  constructor(
    readonly field: string,
    /** What the value breaks, without the field name (`must be between 0 and 10`). */
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = "ParameterError";
  }
}
