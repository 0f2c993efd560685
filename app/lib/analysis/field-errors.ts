/**
 * The one mapping from what an upload can get wrong — a file that is not C3D (`C3dError`), a file
 * the pipeline cannot analyse (`AnalysisError`), a parameter with an unusable value
 * (`ParameterError`) — to the field it belongs to, the HTTP status and the message. The upload and
 * quick-analysis forms, the correction form, POST /api/export and bin/analyze.ts all use it.
 */
import { C3dError } from "~/lib/c3d";
import { ParameterError } from "~/lib/domain";
import { AnalysisError } from "./errors";

/** An error of the caller's input (the file or a parameter), as opposed to a fault of the app. */
export type InputError = C3dError | AnalysisError | ParameterError;

export const isInputError = (error: unknown): error is InputError =>
  error instanceof C3dError || error instanceof AnalysisError || error instanceof ParameterError;

export interface FieldError {
  /** 400 for a parameter, 422 for a file that is not C3D, the analysis' own status otherwise. */
  status: 400 | 404 | 413 | 422;
  /** The parameter's name, or `file`. */
  field: string;
  /** For a form, shown beside `field`: the rule the parameter breaks, or what is wrong with the file. */
  message: string;
  /** For an API body or a log: the error's own message, after the file's name for a file error. */
  detail: string;
}

/** Where and how to report `error` for the upload `fileName` (a form without a file passes none). */
export function fieldError(error: InputError, fileName?: string): FieldError {
  if (error instanceof ParameterError) return { status: 400, field: error.field, message: error.rule, detail: error.message };
  const named = fileName === undefined ? "The file" : `"${fileName}"`;
  const detail = `${fileName ?? "file"}: ${error.message}`;
  if (error instanceof C3dError) {
    // The reader's rule becomes the middle of a sentence that ends here.
    return { status: 422, field: "file", message: `${named} cannot be read as C3D: ${error.message.replace(/\.$/, "")}.`, detail };
  }
  return { status: error.status, field: "file", message: `${named}: ${error.message}`, detail };
}
