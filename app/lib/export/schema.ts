/**
 * The canonical session export (docs/export.md, export_version 2.0.0), composed from the domain
 * sections (app/lib/domain) plus what only an export has: its metadata, the signals and the errors.
 *
 * This schema is the contract between the pipeline (`analyzeC3d`), the database (a stored session
 * is re-assembled into exactly this shape), the renderers (JSON, CSV) and the pages. Field names
 * and section order follow docs/export.md; every value a session does not have is `null`. The
 * section schemas are re-exported so the whole contract can be read from this module.
 */
import { z } from "zod";
import {
  channelSchema,
  complianceBreakdownSchema,
  contractionSchema,
  dataCompletenessSchema,
  performanceScoresSchema,
  processingParametersSchema,
  scoringConfigurationExportSchema,
  sessionParametersSchema,
  sessionSchema,
} from "~/lib/domain";

export {
  PROCESSING_VERSION,
  categorySchema,
  channelSchema,
  channelWarningSchema,
  complianceBreakdownSchema,
  contractionSchema,
  dataCompletenessSchema,
  gameSchema,
  muscleComplianceSchema,
  performanceScoresSchema,
  processingParametersSchema,
  rpeRangeSchema,
  scoringConfigurationExportSchema,
  sessionParametersSchema,
  sessionSchema,
} from "~/lib/domain";
export type {
  Category,
  ChannelResult,
  ChannelWarning,
  ComplianceBreakdown,
  Contraction,
  DataCompleteness,
  GameInfo,
  MuscleCompliance,
  PerformanceScores,
  ProcessingParameters,
  ScoringConfigurationExport,
  SessionInfo,
  SessionParameters,
} from "~/lib/domain";

export const EXPORT_VERSION = "2.0.0";

const num = z.number();

export const exportMetadataSchema = z.object({
  export_timestamp: z.string().describe("ISO 8601 UTC time the export was built"),
  export_version: z.literal(EXPORT_VERSION),
  session_id: z.string().nullable().describe("stored session id; null for an upload that was not stored"),
  generator: z.string().describe("application name and version, e.g. ghostly-emg/0.1.0"),
});

export const channelSignalsSchema = z.object({
  envelope: z.object({ times_s: z.array(num), values: z.array(num) }),
  raw: z.array(num).optional(),
  bandpassed: z.array(num).optional(),
  decimation: z.number().int().optional(),
});

/** Inputs and scores are scalars: a change is from one scalar (or null) to another. */
const scalarValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** One change to a stored session (docs/export.md): who, when, what (`{ field: { from, to } }`). */
export const sessionHistoryEventSchema = z.object({
  at: z.string().describe("ISO 8601 UTC time of the change"),
  actor: z.string().nullable().describe("who made the change (display name, else e-mail); null when pseudonymised or made by the system"),
  kind: z.enum(["uploaded", "inputs_corrected", "reprocessed", "archived", "restored"]),
  changes: z
    .record(z.string(), z.object({ from: scalarValue, to: scalarValue }))
    .describe("per changed input and every score: `section.field` → { from, to }"),
});

export const exportErrorSchema = z.object({
  section: z.string(),
  message: z.string(),
});

/**
 * A section that could not be built is `null` and named in `errors` (docs/export.md: answer with what
 * there is, say what is missing) — see docs/decisions/040-export-failed-sections-are-null.md.
 */
export const sessionExportSchema = z.object({
  export_metadata: exportMetadataSchema,
  session: sessionSchema.nullable(),
  performance_scores: performanceScoresSchema.nullable(),
  compliance_breakdown: complianceBreakdownSchema.nullable(),
  scoring_configuration: scoringConfigurationExportSchema.nullable(),
  processing_parameters: processingParametersSchema.nullable(),
  session_parameters: sessionParametersSchema.nullable(),
  data_completeness: dataCompletenessSchema.nullable(),
  channels: z.record(z.string(), channelSchema).nullable(),
  contractions: z.array(contractionSchema).nullable(),
  signals: z.record(z.string(), channelSignalsSchema).optional(),
  /** Stored sessions only, oldest first; not in the one-row CSV. */
  history: z.array(sessionHistoryEventSchema).optional(),
  debug: z.record(z.string(), z.unknown()).optional(),
  errors: z.array(exportErrorSchema).optional(),
});

/** The seed's phase 6 rollback shape (`USE_ENHANCED_EXPORT` off). */
export const minimalExportSchema = z.object({
  export_metadata: exportMetadataSchema,
  performance_scores: performanceScoresSchema.nullable(),
  scoring_configuration: scoringConfigurationExportSchema.nullable(),
  errors: z.array(exportErrorSchema).optional(),
});

export type ExportMetadata = z.infer<typeof exportMetadataSchema>;
export type ChannelSignals = z.infer<typeof channelSignalsSchema>;
export type SessionHistoryEvent = z.infer<typeof sessionHistoryEventSchema>;
export type ExportError = z.infer<typeof exportErrorSchema>;
export type SessionExport = z.infer<typeof sessionExportSchema>;
export type MinimalExport = z.infer<typeof minimalExportSchema>;
