/**
 * What `analyzeC3d(bytes, options)` returns: every section of the canonical export that follows
 * from the file, the options and the scoring configuration — everything but the export metadata
 * and the identity fields a stored session adds (session_code, patient_code, therapist).
 *
 * Pages, exports, the CLI and the database all take their numbers from this one object.
 */
import type {
  ChannelResult,
  ComplianceBreakdown,
  Contraction,
  DataCompleteness,
  DataQuality,
  PerformanceScores,
  ProcessingParameters,
  ScoringConfigurationExport,
  SessionInfo,
  SessionParameters,
} from "~/lib/domain";

export interface EnvelopeSeries {
  /** Centre time of each RMS window in seconds (docs/pipeline.md §2). */
  times_s: Float64Array;
  values: Float64Array;
}

export interface SessionAnalysis {
  session: SessionInfo;
  performance_scores: PerformanceScores;
  compliance_breakdown: ComplianceBreakdown;
  scoring_configuration: ScoringConfigurationExport;
  processing_parameters: ProcessingParameters;
  session_parameters: SessionParameters;
  data_completeness: DataCompleteness;
  /** Quality status and findings (docs/quality.md), computed with the pipeline. */
  data_quality: DataQuality;
  channels: Record<string, ChannelResult>;
  contractions: Contraction[];
  /** Per muscle channel id: the RMS envelope the plots show (stored with the session). */
  envelopes: Record<string, EnvelopeSeries>;
  /** C3D facts kept with the session as jsonb: processor/data type, rates, frames, labels, INFO/SUBJECTS. */
  c3d_metadata: Record<string, unknown>;
  /** File-level warnings (reader warnings, assumptions); per-channel ones live in channels[id].warnings. */
  warnings: { code: string; message: string }[];
}
