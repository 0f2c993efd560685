/**
 * MVC reference per muscle (docs/pipeline.md §3): the value given with the upload, else the patient's
 * stored value, else the peak of this recording's envelope ("peak in task", CEDE).
 */
export type MvcSource = "upload" | "patient" | "peak_in_task";

export interface MvcReference {
  /** Volts. */
  value: number;
  source: MvcSource;
}

/** Picks the MVC: upload, then patient, then max(envelope) (0 for an empty envelope). */
export function resolveMvc(envelope: Float64Array, upload?: number | null, patient?: number | null): MvcReference {
  if (upload != null) return { value: upload, source: "upload" };
  if (patient != null) return { value: patient, source: "patient" };
  let peak = 0;
  for (let k = 0; k < envelope.length; k++) if (envelope[k] > peak) peak = envelope[k];
  return { value: peak, source: "peak_in_task" };
}

/** Intensity threshold in volts: MVC · percentage/100. */
export const mvcThreshold = (mvc: number, percentage: number): number => (mvc * percentage) / 100;
