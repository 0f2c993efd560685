/**
 * The one builder of the canonical session export (docs/export.md). Pure: no I/O, no clock,
 * no environment — the caller passes `now`, the generator and the feature flag, so the same input
 * always gives the same export (the examples in docs/examples depend on that).
 *
 * `source` is either a `SessionAnalysis` (an upload that was not stored: session_id null) or a
 * stored session re-assembled into the same shape by app/lib/server/export.server.ts. Every
 * section is validated against the contract; a section that is missing or malformed becomes `null`
 * and is named in `errors`, so a partly broken session still exports what it has.
 */
import { z } from "zod";
import {
  EXPORT_VERSION,
  channelSchema,
  complianceBreakdownSchema,
  contractionSchema,
  dataCompletenessSchema,
  performanceScoresSchema,
  processingParametersSchema,
  scoringConfigurationExportSchema,
  sessionParametersSchema,
  sessionSchema,
  type ChannelSignals,
  type ExportError,
  type MinimalExport,
  type SessionExport,
  type SessionHistoryEvent,
} from "./schema";

/** Application name and version stamped into `export_metadata.generator` (kept equal to package.json by a test). */
export const APP_GENERATOR = "ghostly-emg/0.1.0";

/** A numeric series as the pipeline keeps it (typed array) or as a database returns it (array). */
export type Series = ArrayLike<number>;

/**
 * What the builder reads. `SessionAnalysis` is assignable to it; a stored session is adapted to it.
 * Sections are `unknown`-tolerant at run time: each is checked against its schema.
 */
export interface ExportSource {
  /** Stored session id; null (or absent) for an upload that was not stored. */
  session_id?: string | null;
  session?: unknown;
  performance_scores?: unknown;
  compliance_breakdown?: unknown;
  scoring_configuration?: unknown;
  processing_parameters?: unknown;
  session_parameters?: unknown;
  data_completeness?: unknown;
  channels?: unknown;
  contractions?: unknown;
  /** Per channel id: the RMS envelope (window-centre times in s, values in V). */
  envelopes?: Record<string, { times_s: Series; values: Series }> | null;
  /** Per channel id: raw and band-passed samples, when the caller still has them (uploads). */
  raw_signals?: Record<string, { raw?: Series; bandpassed?: Series }> | null;
  /** C3D facts (processor, rates, labels, INFO/SUBJECTS): only exported with `includeDebug`. */
  c3d_metadata?: Record<string, unknown> | null;
  /** A stored session's history, oldest first: exported as `history` when present. */
  history?: SessionHistoryEvent[] | null;
  /** File-level warnings: only exported with `includeDebug`. */
  warnings?: { code: string; message: string }[] | null;
}

export interface SignalOptions {
  /** Add the raw samples of each muscle channel. */
  raw?: boolean;
  /** Add the band-passed samples of each muscle channel. */
  bandpassed?: boolean;
  /** Keep every `decimation`-th raw/band-passed sample (1 = all); the envelope is never decimated. */
  decimation?: number;
}

export interface BuildExportOptions {
  /** Export time (becomes `export_timestamp`, ISO 8601 UTC). */
  now: Date;
  /** `export_metadata.generator`; defaults to APP_GENERATOR. */
  generator?: string;
  /** Add `signals`: `true` = envelopes only; an object also asks for raw/band-passed samples. */
  includeSignals?: boolean | SignalOptions;
  /** Add `debug` (C3D metadata and file-level warnings). */
  includeDebug?: boolean;
  /** `USE_ENHANCED_EXPORT`: false → the seed's phase-6 minimal export. Default true. */
  enhanced?: boolean;
}

export type AnyExport = SessionExport | MinimalExport;

export function isFullExport(exp: AnyExport): exp is SessionExport {
  return "channels" in exp;
}

const sectionSchemas = {
  session: sessionSchema,
  performance_scores: performanceScoresSchema,
  compliance_breakdown: complianceBreakdownSchema,
  scoring_configuration: scoringConfigurationExportSchema,
  processing_parameters: processingParametersSchema,
  session_parameters: sessionParametersSchema,
  data_completeness: dataCompletenessSchema,
} as const;

type SectionKey = keyof typeof sectionSchemas;

const channelsSchema = z.record(z.string(), channelSchema);
const contractionsSchema = z.array(contractionSchema);

function describeIssue(issues: z.ZodError["issues"]): string {
  const first = issues[0];
  if (!first) return "invalid";
  const at = first.path.length ? first.path.join(".") : "(section)";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `${at}: ${first.message}${more}`;
}

function section<K extends SectionKey>(key: K, value: unknown, errors: ExportError[]): z.infer<(typeof sectionSchemas)[K]> | null {
  if (value === undefined || value === null) {
    errors.push({ section: key, message: `${key} is not available for this session` });
    return null;
  }
  const parsed = sectionSchemas[key].safeParse(value);
  if (!parsed.success) {
    errors.push({ section: key, message: `${key} is malformed: ${describeIssue(parsed.error.issues)}` });
    return null;
  }
  return parsed.data as z.infer<(typeof sectionSchemas)[K]>;
}

function buildChannels(value: unknown, errors: ExportError[]): SessionExport["channels"] {
  if (value === undefined || value === null || typeof value !== "object") {
    errors.push({ section: "channels", message: "channels are not available for this session" });
    return null;
  }
  const whole = channelsSchema.safeParse(value);
  if (whole.success) return whole.data;
  // Something is wrong: keep every valid channel and name the broken ones.
  const out: NonNullable<SessionExport["channels"]> = {};
  for (const [id, channel] of Object.entries(value as Record<string, unknown>)) {
    const parsed = channelSchema.safeParse(channel);
    if (parsed.success) out[id] = parsed.data;
    else errors.push({ section: `channels.${id}`, message: `channel ${id} is malformed: ${describeIssue(parsed.error.issues)}` });
  }
  return out;
}

function buildContractions(value: unknown, errors: ExportError[]): SessionExport["contractions"] {
  if (!Array.isArray(value)) {
    errors.push({ section: "contractions", message: "the contraction list is not available for this session" });
    return null;
  }
  const whole = contractionsSchema.safeParse(value);
  if (whole.success) return whole.data;
  const out: NonNullable<SessionExport["contractions"]> = [];
  value.forEach((c, i) => {
    const parsed = contractionSchema.safeParse(c);
    if (parsed.success) out.push(parsed.data);
    else errors.push({ section: `contractions[${i}]`, message: `contraction ${i} is malformed: ${describeIssue(parsed.error.issues)}` });
  });
  return out;
}

function toArray(series: Series, step = 1): number[] {
  const out = new Array<number>(Math.ceil(series.length / step));
  for (let i = 0, j = 0; i < series.length; i += step, j++) out[j] = series[i];
  return out;
}

function buildSignals(
  source: ExportSource,
  channelIds: string[],
  opts: SignalOptions,
  errors: ExportError[],
): Record<string, ChannelSignals> {
  const decimation = opts.decimation ?? 1;
  if (!Number.isInteger(decimation) || decimation < 1) {
    throw new RangeError(`signal decimation must be an integer ≥ 1, got ${decimation}`);
  }
  const out: Record<string, ChannelSignals> = {};
  for (const id of channelIds) {
    const env = source.envelopes?.[id];
    if (!env) {
      errors.push({ section: `signals.${id}`, message: `no RMS envelope is available for channel ${id}` });
      continue;
    }
    const signals: ChannelSignals = { envelope: { times_s: toArray(env.times_s), values: toArray(env.values) } };
    const samples = source.raw_signals?.[id];
    if (opts.raw) {
      if (samples?.raw) signals.raw = toArray(samples.raw, decimation);
      else
        errors.push({
          section: `signals.${id}.raw`,
          message: `raw samples of channel ${id} are not kept (only uploads analysed in this request have them)`,
        });
    }
    if (opts.bandpassed) {
      if (samples?.bandpassed) signals.bandpassed = toArray(samples.bandpassed, decimation);
      else
        errors.push({
          section: `signals.${id}.bandpassed`,
          message: `band-passed samples of channel ${id} are not kept (only uploads analysed in this request have them)`,
        });
    }
    if (signals.raw || signals.bandpassed) signals.decimation = decimation;
    out[id] = signals;
  }
  return out;
}

/**
 * Builds the canonical export of one session.
 *
 * @param source  a `SessionAnalysis` or a stored session adapted to `ExportSource`
 * @param options `now`, `generator`, `includeSignals`, `includeDebug`, `enhanced`
 * @returns the full export (`SessionExport`), or with `enhanced: false` the minimal one
 *   (`MinimalExport`: export_metadata, performance_scores, scoring_configuration). `errors` is present
 *   only when something could not be built.
 * @throws RangeError only for an invalid option (a bad `now` or decimation), never for bad data.
 */
export function buildSessionExport(source: ExportSource, options: BuildExportOptions & { enhanced: false }): MinimalExport;
export function buildSessionExport(source: ExportSource, options: BuildExportOptions & { enhanced?: true }): SessionExport;
export function buildSessionExport(source: ExportSource, options: BuildExportOptions): AnyExport;
export function buildSessionExport(source: ExportSource, options: BuildExportOptions): AnyExport {
  if (!(options.now instanceof Date) || Number.isNaN(options.now.getTime())) {
    throw new RangeError("buildSessionExport: options.now must be a valid Date");
  }
  const errors: ExportError[] = [];
  const export_metadata = {
    export_timestamp: options.now.toISOString(),
    export_version: EXPORT_VERSION,
    session_id: source.session_id ?? null,
    generator: options.generator ?? APP_GENERATOR,
  } as const;

  if (options.enhanced === false) {
    const minimal: MinimalExport = {
      export_metadata,
      performance_scores: section("performance_scores", source.performance_scores, errors),
      scoring_configuration: section("scoring_configuration", source.scoring_configuration, errors),
    };
    if (errors.length) minimal.errors = errors;
    return minimal;
  }

  const full: SessionExport = {
    export_metadata,
    session: section("session", source.session, errors),
    performance_scores: section("performance_scores", source.performance_scores, errors),
    compliance_breakdown: section("compliance_breakdown", source.compliance_breakdown, errors),
    scoring_configuration: section("scoring_configuration", source.scoring_configuration, errors),
    processing_parameters: section("processing_parameters", source.processing_parameters, errors),
    session_parameters: section("session_parameters", source.session_parameters, errors),
    data_completeness: section("data_completeness", source.data_completeness, errors),
    channels: buildChannels(source.channels, errors),
    contractions: buildContractions(source.contractions, errors),
  };
  if (options.includeSignals) {
    const signalOpts = options.includeSignals === true ? {} : options.includeSignals;
    // A rejected channel (channel.error) has no envelope to export: it says why in its own error.
    const analysed = Object.entries(full.channels ?? {})
      .filter(([, channel]) => channel.error === null)
      .map(([id]) => id);
    full.signals = buildSignals(source, analysed, signalOpts, errors);
  }
  if (source.history) full.history = source.history;
  if (options.includeDebug) {
    full.debug = { c3d_metadata: source.c3d_metadata ?? null, warnings: source.warnings ?? [] };
  }
  if (errors.length) full.errors = errors;
  return full;
}
