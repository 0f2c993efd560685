/**
 * What the EMG pipeline finds per muscle channel (docs/pipeline.md): the channel's analytics and
 * contraction summary, its warnings, and each detected contraction.
 */
import { z } from "zod";

const num = z.number();
const nullableNum = z.number().nullable();

export const channelWarningSchema = z.object({
  code: z.string(),
  message: z.string(),
});

export const channelSchema = z.object({
  label: z.string(),
  side: z.enum(["left", "right"]).nullable(),
  timing_source: z.enum(["activated", "envelope"]).nullable(),
  mvc_value: nullableNum,
  mvc_source: z.enum(["upload", "patient", "peak_in_task"]).nullable(),
  mvc_threshold: nullableNum,
  rms: nullableNum,
  mav: nullableNum,
  mpf: nullableNum,
  mdf: nullableNum,
  fatigue_index_fi_nsm5: nullableNum,
  target_duration_ms: nullableNum,
  contraction_count: z.number().int().nullable(),
  good_contraction_count: z.number().int().nullable(),
  intensity_compliant_count: z.number().int().nullable(),
  duration_compliant_count: z.number().int().nullable(),
  mean_duration_ms: nullableNum,
  shortest_duration_ms: nullableNum,
  longest_duration_ms: nullableNum,
  total_time_under_tension_ms: nullableNum,
  mean_peak_rms: nullableNum,
  max_peak_rms: nullableNum,
  duration_s: nullableNum,
  /** A rejected channel (non_finite_samples, too_short) carries its error and null analytics. */
  error: channelWarningSchema.nullable(),
  warnings: z.array(channelWarningSchema),
});

export const contractionSchema = z.object({
  channel: z.string(),
  index: z.number().int(),
  start_ms: num,
  end_ms: num,
  duration_ms: num,
  peak_rms: num,
  mean_rms: num,
  percent_mvc: nullableNum,
  meets_intensity: z.boolean(),
  meets_duration: z.boolean(),
  is_good: z.boolean(),
});

export type ChannelWarning = z.infer<typeof channelWarningSchema>;
export type ChannelResult = z.infer<typeof channelSchema>;
export type Contraction = z.infer<typeof contractionSchema>;
