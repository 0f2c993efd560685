import type { ReactNode } from "react";
import { DEFAULT_SCORING_CONFIGURATION } from "~/lib/scoring/configuration";

const { expected_contractions: DEFAULT_EXPECTED, target_duration_ms: DEFAULT_DURATION_MS } = DEFAULT_SCORING_CONFIGURATION;

/** Field → message, as actions return them; `form` holds a message that belongs to no one field. */
export type FieldErrors = Partial<Record<string, string>>;

/**
 * A labelled input with its hint and its error tied to it (aria-describedby), so a screen reader
 * announces the rule and the problem with the field. The error element carries
 * `data-field-error`, which the progress uploader reads from the server's answer.
 */
export function Field({
  name,
  label,
  hint,
  error,
  children,
}: {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  children: (props: { id: string; name: string; "aria-describedby"?: string; "aria-invalid"?: true }) => ReactNode;
}) {
  const id = `field-${name}`;
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {children({ id, name, "aria-describedby": describedBy || undefined, "aria-invalid": error ? true : undefined })}
      {error ? (
        <p className="field-error" id={`${id}-error`} data-field-error={name} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p className="form-error error" role="alert" data-field-error="form">
      {message}
    </p>
  );
}

/** Values a form re-renders with after a failed submission (the file input cannot be refilled). */
export type FieldValues = Partial<Record<string, string>>;

function NumberField({
  name,
  label,
  hint,
  errors,
  values,
  min,
  max,
  step,
}: {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  errors: FieldErrors;
  values: FieldValues;
  min?: number;
  max?: number;
  step?: number | "any";
}) {
  return (
    <Field name={name} label={label} hint={hint} error={errors[name]}>
      {(props) => <input {...props} type="number" inputMode="decimal" min={min} max={max} step={step} defaultValue={values[name] ?? ""} />}
    </Field>
  );
}

/**
 * The optional therapist inputs and target overrides of an upload (docs/scoring.md "Inputs per
 * session"). Field names are those `parseAnalysisOptions` reads, so its messages land beside them.
 * Shared by the upload and the quick-analysis forms.
 */
export function SessionInputFields({ errors, values }: { errors: FieldErrors; values: FieldValues }) {
  const common = { errors, values };
  return (
    <>
      <fieldset>
        <legend>Therapist inputs (optional)</legend>
        <div className="field-row">
          <NumberField
            name="rpe_pre_session"
            label="RPE before session"
            hint="Borg CR-10, whole number 0–10"
            min={0}
            max={10}
            step={1}
            {...common}
          />
          <NumberField
            name="rpe_post_session"
            label="RPE after session"
            hint="Borg CR-10, whole number 0–10"
            min={0}
            max={10}
            step={1}
            {...common}
          />
        </div>
        <div className="field-row">
          <NumberField
            name="bfr_pressure_aop"
            label="BFR pressure (% AOP)"
            hint="Percent of arterial occlusion pressure, 0–100"
            min={0}
            max={100}
            step="any"
            {...common}
          />
          <NumberField name="game_points_max" label="Game points maximum" hint="Points the level allowed" min={0} step="any" {...common} />
        </div>
      </fieldset>
      <fieldset>
        <legend>MVC per leg (optional, in volts)</legend>
        <p className="hint">Leave empty to use the patient&apos;s stored MVC, else the peak of this session.</p>
        <div className="field-row">
          <NumberField name="mvc_ch1" label="MVC left leg, CH1 (V)" hint="Volts, e.g. 0.00045 for 450 µV" min={0} step="any" {...common} />
          <NumberField name="mvc_ch2" label="MVC right leg, CH2 (V)" hint="Volts, e.g. 0.00052 for 520 µV" min={0} step="any" {...common} />
        </div>
      </fieldset>
      <fieldset>
        <legend>Targets (optional overrides)</legend>
        <div className="field-row">
          <NumberField
            name="expected_contractions_ch1"
            label="Expected contractions, left (CH1)"
            hint={`Whole number ≥ 1 (default ${DEFAULT_EXPECTED})`}
            min={1}
            step={1}
            {...common}
          />
          <NumberField
            name="expected_contractions_ch2"
            label="Expected contractions, right (CH2)"
            hint={`Whole number ≥ 1 (default ${DEFAULT_EXPECTED})`}
            min={1}
            step={1}
            {...common}
          />
        </div>
        <div className="field-row">
          <NumberField
            name="target_duration_ch1_ms"
            label="Target duration, left (ms)"
            hint={`Default ${DEFAULT_DURATION_MS} ms`}
            min={1}
            step="any"
            {...common}
          />
          <NumberField
            name="target_duration_ch2_ms"
            label="Target duration, right (ms)"
            hint={`Default ${DEFAULT_DURATION_MS} ms`}
            min={1}
            step="any"
            {...common}
          />
        </div>
      </fieldset>
    </>
  );
}

/** The therapist inputs a stored session can correct (re-scored from its stored contractions). */
export function CorrectionFields({ errors, values }: { errors: FieldErrors; values: FieldValues }) {
  const common = { errors, values };
  return (
    <>
      <div className="field-row">
        <NumberField name="rpe_pre_session" label="RPE before session" hint="Borg CR-10, 0–10" min={0} max={10} step={1} {...common} />
        <NumberField name="rpe_post_session" label="RPE after session" hint="Borg CR-10, 0–10" min={0} max={10} step={1} {...common} />
      </div>
      <div className="field-row">
        <NumberField name="bfr_pressure_aop" label="BFR pressure (% AOP)" hint="0–100" min={0} max={100} step="any" {...common} />
        <NumberField name="game_points_max" label="Game points maximum" hint="Points the level allowed" min={0} step="any" {...common} />
      </div>
    </>
  );
}
