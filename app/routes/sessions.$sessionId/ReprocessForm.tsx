/**
 * "Re-process" on the review page (therapists, admins): analyse the kept C3D again with other raw
 * channels or processing parameters, with the patient's current scoring configuration and the
 * current pipeline. Empty fields take the defaults (channels: the ones used so far).
 */
import { Form } from "@remix-run/react";
import { CsrfInput } from "~/components/csrf";
import { Field, FormError, type FieldErrors } from "~/components/upload/fields";
import type { SessionExport } from "~/lib/export/schema";

/** The form's fields: option names of the upload (`parseAnalysisOptions`). */
export const REPROCESS_FIELDS = ["channel_left", "channel_right", "threshold_factor", "min_duration_ms", "rms_window_ms"] as const;

export const REPROCESS_TEXT = {
  heading: "Re-process from the original file",
  hint: "Analyses the stored C3D file again with the current pipeline and this patient's current scoring settings. The new scores replace the current ones; the previous scores stay in the history below. Empty fields use the defaults.",
  labels: {
    channel_left: "Left muscle: raw channel label",
    channel_right: "Right muscle: raw channel label",
    threshold_factor: "Contraction threshold (fraction of the peak, 0–1)",
    min_duration_ms: "Shortest contraction counted (ms)",
    rms_window_ms: "RMS window (ms)",
  } satisfies Record<(typeof REPROCESS_FIELDS)[number], string>,
  submit: "Re-process",
  busy: "Re-processing…",
  done: "Session re-processed from its original file. The previous scores are in the history.",
};

function currentChannel(exp: SessionExport, side: "left_muscle" | "right_muscle"): string {
  const id = exp.compliance_breakdown?.[side].channel;
  return (id && exp.channels?.[id]?.label) || "";
}

export function ReprocessForm({
  exp,
  errors,
  values,
  busy,
}: {
  exp: SessionExport;
  errors: FieldErrors;
  values?: Record<string, string>;
  busy: boolean;
}) {
  const shown = values ?? { channel_left: currentChannel(exp, "left_muscle"), channel_right: currentChannel(exp, "right_muscle") };
  const fileProblem = errors.file ?? errors.form ?? errors.sessionId;
  return (
    <section aria-labelledby="reprocess-heading" className="reprocess">
      <h2 id="reprocess-heading">{REPROCESS_TEXT.heading}</h2>
      <p className="hint">{REPROCESS_TEXT.hint}</p>
      <Form method="post" noValidate>
        <CsrfInput />
        <input type="hidden" name="intent" value="reprocess" />
        <FormError message={fileProblem} />
        <div className="field-row">
          {REPROCESS_FIELDS.map((name) => (
            <Field key={name} name={`reprocess-${name}`} label={REPROCESS_TEXT.labels[name]} error={errors[name]}>
              {(props) => <input {...props} name={name} type="text" defaultValue={shown[name] ?? ""} />}
            </Field>
          ))}
        </div>
        <button type="submit" disabled={busy}>
          {busy ? REPROCESS_TEXT.busy : REPROCESS_TEXT.submit}
        </button>
      </Form>
    </section>
  );
}
