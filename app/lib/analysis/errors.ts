/**
 * A file the pipeline cannot analyse although it is valid C3D (no EMG channel, an unknown channel
 * picked …). `code` is stable for callers; `status` is the HTTP status the upload answers with.
 */
export class AnalysisError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 404 | 413 | 422 = 422,
  ) {
    super(message);
    this.name = "AnalysisError";
  }
}

export { ParameterError } from "~/lib/domain";
