/**
 * The shapes the session repository reads and writes: a stored session re-assembled into the
 * canonical export's sections, the list row, the filters, and what a write takes.
 */
import type { SessionAnalysis } from "~/lib/analysis/types";
import type {
  ChannelResult,
  ComplianceBreakdown,
  Contraction,
  DataCompleteness,
  DataQuality,
  DataQualityStatus,
  PerformanceScores,
  ProcessingParameters,
  ScoringConfigurationExport,
  SessionInfo,
  SessionParameters,
} from "~/lib/export/schema";

export interface StoredEnvelope {
  times_s: number[];
  values: number[];
}

/** Everything needed to rebuild the canonical export of a stored session. */
export interface StoredSession {
  id: string;
  patientId: string;
  createdAt: string;
  updatedAt: string;
  /** Identity fields filled in: session_code, patient_code, therapist (null for researchers). */
  session: SessionInfo;
  performance_scores: PerformanceScores;
  compliance_breakdown: ComplianceBreakdown;
  scoring_configuration: ScoringConfigurationExport | null;
  processing_parameters: ProcessingParameters | null;
  session_parameters: SessionParameters;
  data_completeness: DataCompleteness;
  /** Null for a session analysed before quality checks existed (docs/decisions/024). */
  data_quality: DataQuality | null;
  /** In the analysis' channel order. */
  channels: Record<string, ChannelResult>;
  /** Ordered by channel (analysis order), then index. */
  contractions: Contraction[];
  /** Per channel; empty when loaded without envelopes (streamSessions default). */
  envelopes: Record<string, StoredEnvelope>;
  c3d_metadata: Record<string, unknown>;
  warnings: { code: string; message: string }[];
}

export interface SessionSummary {
  id: string;
  session_code: string;
  patient_code: string;
  therapist: string | null;
  recorded_at: string | null;
  created_at: string;
  source_filename: string;
  processing_status: string;
  overall_score: number | null;
  category: PerformanceScores["category"];
  /** data_quality.status; null for a session analysed before quality checks existed. */
  quality_status: DataQualityStatus | null;
}

export interface SessionFilters {
  patientCode?: string;
  /**
   * Inclusive lower bound on recorded_at (upload time when unknown), in the grammar of the policy's
   * `parseDateRange`: a wall-clock date or time stamp (docs/decisions/020), any zone ignored.
   */
  from?: string;
  /** Upper bound; a date-only string includes that whole day, a full time stamp is exclusive. */
  to?: string;
  /** Only sessions with this data_quality.status (docs/quality.md). */
  quality?: DataQualityStatus;
}

export interface StoreAnalysisInput {
  patientCode: string;
  analysis: SessionAnalysis;
  /** The original C3D bytes; stored content-addressed before the database transaction. */
  bytes: Uint8Array;
  /** The user's file name, when the analysis does not carry it. */
  sourceFilename?: string;
}

export interface StoreAnalysisResult {
  sessionId: string;
  sessionCode: string;
  /** true: this patient already had a session from the same file; nothing new was written. */
  duplicate: boolean;
}

/** What re-scoring produced (the caller computes it with the scoring lib). */
export interface Rescored {
  performance_scores: PerformanceScores;
  compliance_breakdown: ComplianceBreakdown;
  data_completeness: DataCompleteness;
  /** A new snapshot, when re-scored with another configuration (null/absent: keep the stored one). */
  scoring_configuration?: ScoringConfigurationExport | null;
  /** Changed channel analytics (e.g. new MVC → new counts); envelopes are kept. */
  channels?: Record<string, ChannelResult>;
  /** Replaces every contraction of the session (e.g. new MVC → new percent_mvc / meets_intensity). */
  contractions?: Contraction[];
}

/**
 * Which of the large parts of a stored session to read. A CSV or JSON export without signals needs
 * neither: the envelopes are ~3,000 float8 per session and dominate the read time.
 */
export interface SessionInclude {
  /** The per-channel RMS envelopes (review plot, exports with signals). */
  envelopes?: boolean;
  /** `c3d_metadata` and the file-level `warnings` (review page, exports with debug); else `{}` and `[]`. */
  c3dMetadata?: boolean;
  /**
   * false: the contraction list is read only for a session where one of them holds a non-finite
   * number (the one way a stored contraction breaks the export contract, so the export names it in
   * `errors`); every other session gets []. For CSV rows, which show the list only through
   * export_errors. Default true.
   */
  contractions?: boolean;
}
