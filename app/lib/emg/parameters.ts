/**
 * Processing parameters of the EMG pipeline (docs/pipeline.md §1–4): names as exported in
 * `processing_parameters`, defaults, and validation. The values actually used are stamped into every
 * stored session and export.
 */
import { z } from "zod";
import { DEFAULT_TARGETS, PROCESSING_VERSION, ParameterError, type ProcessingParameters } from "~/lib/domain";

export const TIMING_SOURCES = ["auto", "activated", "envelope"] as const;
export type TimingSourceOption = (typeof TIMING_SOURCES)[number];

const positive = (name: string) => z.number({ error: `${name} must be a number` }).positive("must be > 0");

/** What a caller may set; every field optional (defaults below). */
export const processingOptionsSchema = z
  .object({
    filter_low_cutoff_hz: positive("filter_low_cutoff_hz"),
    /** The requested high cut-off; the effective one is min(requested, 0.95·fs/2). */
    filter_high_cutoff_hz: positive("filter_high_cutoff_hz"),
    filter_order: z.number().int("must be an integer").min(1, "must be ≥ 1").max(10, "must be ≤ 10"),
    rms_window_ms: positive("rms_window_ms"),
    rms_overlap_percent: z.number().min(0, "must be ≥ 0").lt(100, "must be < 100"),
    threshold_factor: z.number().positive("must be > 0").max(1, "must be ≤ 1"),
    activated_threshold_factor: z.number().positive("must be > 0").max(1, "must be ≤ 1"),
    merge_gap_ms: z.number().min(0, "must be ≥ 0"),
    min_duration_ms: z.number().min(0, "must be ≥ 0"),
    mvc_threshold_percentage: z.number().positive("must be > 0").max(100, "must be ≤ 100"),
    timing_source: z.enum(TIMING_SOURCES, { error: `must be one of ${TIMING_SOURCES.join(", ")}` }),
  })
  .partial()
  .strict();

export type ProcessingOptions = z.infer<typeof processingOptionsSchema>;

export const DEFAULT_PROCESSING_OPTIONS: Required<ProcessingOptions> = {
  filter_low_cutoff_hz: 20,
  filter_high_cutoff_hz: 450,
  filter_order: 4,
  rms_window_ms: 100,
  rms_overlap_percent: 50,
  threshold_factor: 0.2,
  activated_threshold_factor: 0.05,
  merge_gap_ms: 200,
  min_duration_ms: 100,
  mvc_threshold_percentage: DEFAULT_TARGETS.mvc_threshold_percentage,
  timing_source: "auto",
};

/** The parameters a run actually used: the export's `processing_parameters` plus the timing choice. */
export interface ResolvedProcessingParameters extends ProcessingParameters {
  timing_source: TimingSourceOption;
}

/** Turns the first zod issue into a ParameterError naming the field. */
export function parameterErrorFrom(error: z.ZodError, prefix = ""): ParameterError {
  const issue = error.issues[0];
  const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "options";
  const message = issue.code === "unrecognized_keys" ? `unknown parameter ${issue.keys.join(", ")}` : issue.message;
  return new ParameterError(prefix + (issue.code === "unrecognized_keys" ? issue.keys[0] : field), message);
}

/**
 * Fills defaults, validates every value and derives the effective high cut-off for sampling rate
 * `fs`: min(requested, 0.95·fs/2).
 *
 * @throws ParameterError naming the first invalid parameter (also low ≤ 0 or low ≥ effective high)
 */
export function resolveProcessingParameters(options: ProcessingOptions | undefined, fs: number): ResolvedProcessingParameters {
  const parsed = processingOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) throw parameterErrorFrom(parsed.error);
  if (!(Number.isFinite(fs) && fs > 0)) throw new ParameterError("sampling_rate_hz", `must be a positive number, got ${fs}`);
  const p = { ...DEFAULT_PROCESSING_OPTIONS, ...stripUndefined(parsed.data) };
  const effectiveHigh = Math.min(p.filter_high_cutoff_hz, (0.95 * fs) / 2);
  if (p.filter_low_cutoff_hz >= effectiveHigh) {
    throw new ParameterError(
      "filter_low_cutoff_hz",
      `must be below the effective high cut-off ${effectiveHigh} Hz (requested ${p.filter_high_cutoff_hz} Hz, ` +
        `at most 0.95·fs/2 = ${(0.95 * fs) / 2} Hz at fs = ${fs} Hz)`,
    );
  }
  return {
    processing_version: PROCESSING_VERSION,
    sampling_rate_hz: fs,
    filter_low_cutoff_hz: p.filter_low_cutoff_hz,
    filter_high_cutoff_hz: effectiveHigh,
    filter_high_cutoff_requested_hz: p.filter_high_cutoff_hz,
    filter_order: p.filter_order,
    rms_window_ms: p.rms_window_ms,
    rms_overlap_percent: p.rms_overlap_percent,
    threshold_factor: p.threshold_factor,
    activated_threshold_factor: p.activated_threshold_factor,
    merge_gap_ms: p.merge_gap_ms,
    min_duration_ms: p.min_duration_ms,
    mvc_threshold_percentage: p.mvc_threshold_percentage,
    timing_source: p.timing_source,
  };
}

/** The export's `processing_parameters` section (without the timing choice, which is per channel). */
export function toExportProcessingParameters(p: ResolvedProcessingParameters): ProcessingParameters {
  const { timing_source: _timing, ...rest } = p;
  return rest;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
