export { analyzeC3d, analyzeC3dDetailed, type MuscleAnalysis } from "./analyze";
export { analyzeUploadForExport, type UploadAnalysis, type UploadSignalRequest } from "./from-upload";
export { AnalysisError, ParameterError } from "./errors";
export { type FieldError, type InputError, fieldError, isInputError } from "./field-errors";
export { ANALYSIS_OPTION_FIELDS, type AnalysisOptions, type SessionInputs, parseAnalysisOptions, validateAnalysisOptions } from "./options";
export { findMuscleChannels, channelId } from "./channels";
export { recordedAt, gameInfo, c3dMetadata } from "./metadata";
export type { SessionAnalysis, EnvelopeSeries } from "./types";
