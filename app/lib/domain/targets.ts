/**
 * The training targets of the GHOSTLY+ protocol (docs/scoring.md): per session and muscle 12
 * contractions at ≥ 75 % MVC held ≥ 2 s. They are the defaults of the scoring configuration
 * (`DEFAULT_SCORING_CONFIGURATION`) and, for the MVC percentage, of the processing parameters; a
 * patient's configuration or the session's inputs override them.
 */
export const DEFAULT_TARGETS = Object.freeze({
  expected_contractions: 12,
  target_duration_ms: 2000,
  mvc_threshold_percentage: 75,
});
