/**
 * Options of `analyzeC3d`: processing parameters, session (therapist) inputs, patient MVC, scoring
 * configuration. One zod schema validates them for the upload form, the API and the CLI, which all
 * pass flat string fields through `parseAnalysisOptions`.
 */
import { z } from "zod";
import { ParameterError } from "~/lib/domain";
import { type ProcessingOptions, parameterErrorFrom, processingOptionsSchema } from "~/lib/emg/parameters";
import type { ScoringConfiguration } from "~/lib/scoring/configuration";

const rpe = z.number().int("must be an integer (Borg CR-10)").min(0, "must be between 0 and 10").max(10, "must be between 0 and 10");
const volts = z.number().positive("must be > 0 (volts)");

export const sessionInputsSchema = z
  .object({
    rpe_pre_session: rpe.nullable(),
    rpe_post_session: rpe.nullable(),
    bfr_pressure_aop: z.number().min(0, "must be between 0 and 100 (% AOP)").max(100, "must be between 0 and 100 (% AOP)").nullable(),
    game_points_max: z.number().min(0, "must be ≥ 0").nullable(),
    rest_duration_seconds: z.number().min(0, "must be ≥ 0").nullable(),
    mvc_ch1: volts.nullable(),
    mvc_ch2: volts.nullable(),
    target_duration_ch1_ms: z.number().positive("must be > 0").nullable(),
    target_duration_ch2_ms: z.number().positive("must be > 0").nullable(),
    expected_contractions_ch1: z.number().int("must be an integer").min(1, "must be ≥ 1").nullable(),
    expected_contractions_ch2: z.number().int("must be an integer").min(1, "must be ≥ 1").nullable(),
  })
  .partial()
  .strict();

/** Therapist inputs for one session; every field optional. */
export type SessionInputs = z.infer<typeof sessionInputsSchema>;

export const channelChoiceSchema = z
  .object({
    /** Analog label of the left muscle's raw channel (default: CH1 / first EMG channel). */
    left: z.string().min(1, "must not be empty"),
    right: z.string().min(1, "must not be empty"),
  })
  .partial()
  .strict();

export interface AnalysisOptions {
  processing?: ProcessingOptions;
  session?: SessionInputs;
  /** The patient's stored MVC per side (volts): ch1 = left, ch2 = right. */
  patientMvc?: { ch1?: number | null; ch2?: number | null };
  /** Raw channels picked by the user (labels); default docs/pipeline.md §0. */
  channels?: { left?: string; right?: string };
  scoring?: ScoringConfiguration;
  sourceFilename?: string;
  /**
   * sha256 of `bytes` (64 lowercase hex digits) when the caller has already computed it, e.g. the
   * storage key of a stored file being re-analysed; saves hashing the file again (≈ 0.6 ms per MB).
   * Trusted as given: it becomes `session.file_sha256`. Default: computed from `bytes`.
   */
  fileSha256?: string;
}

/**
 * Validates the processing, session and channel parts of `options` (the scoring configuration is
 * validated by `parseScoringConfiguration`).
 *
 * @throws ParameterError naming the first invalid field
 */
export function validateAnalysisOptions(options: AnalysisOptions): void {
  const processing = processingOptionsSchema.safeParse(options.processing ?? {});
  if (!processing.success) throw parameterErrorFrom(processing.error);
  const session = sessionInputsSchema.safeParse(options.session ?? {});
  if (!session.success) throw parameterErrorFrom(session.error);
  const channels = channelChoiceSchema.safeParse(options.channels ?? {});
  if (!channels.success) throw parameterErrorFrom(channels.error, "channel_");
  for (const side of ["ch1", "ch2"] as const) {
    const v = options.patientMvc?.[side];
    if (v != null && !(Number.isFinite(v) && v > 0)) throw new ParameterError(`patient_mvc_${side}`, "must be > 0 (volts)");
  }
  if (options.fileSha256 !== undefined && !SHA256_HEX.test(options.fileSha256)) {
    throw new ParameterError(
      "file_sha256",
      `must be a sha256 digest of 64 lowercase hex digits, got ${JSON.stringify(options.fileSha256.slice(0, 80))}`,
    );
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

const PROCESSING_NUMBER_FIELDS = [
  "filter_low_cutoff_hz",
  "filter_high_cutoff_hz",
  "filter_order",
  "rms_window_ms",
  "rms_overlap_percent",
  "threshold_factor",
  "activated_threshold_factor",
  "merge_gap_ms",
  "min_duration_ms",
  "mvc_threshold_percentage",
] as const;

const SESSION_NUMBER_FIELDS = [
  "rpe_pre_session",
  "rpe_post_session",
  "bfr_pressure_aop",
  "game_points_max",
  "rest_duration_seconds",
  "mvc_ch1",
  "mvc_ch2",
  "target_duration_ch1_ms",
  "target_duration_ch2_ms",
  "expected_contractions_ch1",
  "expected_contractions_ch2",
] as const;

/** Every flat field name `parseAnalysisOptions` understands (for forms and CLI help). */
export const ANALYSIS_OPTION_FIELDS = [
  ...PROCESSING_NUMBER_FIELDS,
  "timing_source",
  ...SESSION_NUMBER_FIELDS,
  "channel_left",
  "channel_right",
] as const;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(field: string, raw: string): number {
  const text = raw.trim();
  if (!NUMBER.test(text)) throw new ParameterError(field, `must be a number, got "${raw}"`);
  return Number(text);
}

/**
 * Options from flat string fields (form fields, query parameters, CLI flags): names as in the export
 * (`filter_low_cutoff_hz`, `timing_source`, `rpe_post_session`, `bfr_pressure_aop`, `mvc_ch1` …,
 * `channel_left`). Empty and missing values mean "not given"; fields it does not know are ignored
 * (a form carries other fields too). The result is validated.
 *
 * @throws ParameterError naming the field, e.g. `rpe_post_session: must be between 0 and 10`
 */
export function parseAnalysisOptions(record: Record<string, string | undefined>): AnalysisOptions {
  const given = (field: string): string | undefined => {
    const v = record[field];
    return v === undefined || v.trim() === "" ? undefined : v;
  };
  const processing: Record<string, unknown> = {};
  for (const field of PROCESSING_NUMBER_FIELDS) {
    const v = given(field);
    if (v !== undefined) processing[field] = parseNumber(field, v);
  }
  const timing = given("timing_source");
  if (timing !== undefined) processing.timing_source = timing.trim();
  const session: Record<string, unknown> = {};
  for (const field of SESSION_NUMBER_FIELDS) {
    const v = given(field);
    if (v !== undefined) session[field] = parseNumber(field, v);
  }
  const channels: { left?: string; right?: string } = {};
  const left = given("channel_left");
  const right = given("channel_right");
  if (left !== undefined) channels.left = left.trim();
  if (right !== undefined) channels.right = right.trim();
  const options: AnalysisOptions = {
    processing,
    session,
    channels,
  };
  validateAnalysisOptions(options);
  return options;
}
