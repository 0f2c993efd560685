import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/components/csrf";
import { requireAdmin, requireCsrf } from "~/lib/server/auth/permissions.server";
import { getDefaultScoringConfiguration, saveDefaultScoringConfiguration } from "~/lib/server/repositories/scoring-configurations.server";
import { requireForm } from "~/lib/server/http/form.server";
import { RPE_KEYS, scoringConfigurationFromForm, TARGET_FIELDS, WEIGHT_FIELDS, type FieldErrors } from "./form.server";

export const meta: MetaFunction = () => [{ title: "Scoring configuration — GHOSTLY+ EMG" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const config = await getDefaultScoringConfiguration();
  // Field lists travel with the data: they live in server code, absent from the browser bundle.
  return { config, weightFields: [...WEIGHT_FIELDS], targetFields: [...TARGET_FIELDS], rpeKeys: RPE_KEYS };
}

export async function action({ request }: ActionFunctionArgs) {
  const caller = await requireAdmin(request);
  const form = await requireForm(request);
  await requireCsrf(request, form);
  const { config, errors } = scoringConfigurationFromForm(form);
  const values = Object.fromEntries([...form.entries()].flatMap(([k, v]) => (k !== "csrf" && typeof v === "string" ? [[k, v]] : [])));
  if (!config) return data({ ok: false, errors, values }, { status: 422 });
  await saveDefaultScoringConfiguration(caller, config);
  return { ok: true, errors: {} as FieldErrors, values };
}

const LABELS: Record<string, string> = {
  weight_compliance: "Compliance",
  weight_symmetry: "Symmetry",
  weight_effort: "Effort (RPE)",
  weight_game: "Game",
  weight_completion: "Completion (sub-weight)",
  weight_intensity: "Intensity (sub-weight)",
  weight_duration: "Duration (sub-weight)",
  bfr_pressure_min_aop: "BFR minimum (% AOP)",
  bfr_pressure_max_aop: "BFR maximum (% AOP)",
  expected_contractions: "Expected contractions per muscle",
  target_duration_ms: "Target contraction duration (ms)",
  mvc_threshold_percentage: "Intensity threshold (% MVC)",
};

export default function AdminScoring() {
  const { config, weightFields, targetFields, rpeKeys } = useLoaderData<typeof loader>();
  const result = useActionData<{ ok: boolean; errors: FieldErrors; values: Record<string, string> }>();
  const stored: Record<string, string> = {
    name: config.name,
    ...Object.fromEntries([...weightFields, ...targetFields].map((f) => [f, String(config[f])])),
    ...Object.fromEntries(rpeKeys.map((k) => [`rpe_${k}`, String(config.rpe_mapping[k] ?? "")])),
  };
  const value = (field: string) => (result && !result.ok ? result.values[field] : undefined) ?? stored[field];
  const field = (name: string, label: string, step = "any") => {
    const error = result?.errors[name];
    return (
      <div key={name}>
        <label htmlFor={name}>{label}</label>
        <input
          id={name}
          name={name}
          type="number"
          step={step}
          defaultValue={value(name)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${name}-error` : undefined}
          required
        />
        {error ? (
          <p className="field-error" id={`${name}-error`}>
            {error}
          </p>
        ) : null}
      </div>
    );
  };
  return (
    <section>
      <h1>Default scoring configuration</h1>
      <p>
        <Link to="/admin/users">Users</Link> · <Link to="/admin/exports">Export history</Link>
      </p>
      <p>
        New sessions are scored with these values. Stored sessions keep the configuration they were scored with (their export states it);
        re-scoring a session after correcting its inputs uses the values in force then.
      </p>
      {result?.ok ? <p role="status">Saved.</p> : null}
      {result && !result.ok ? (
        <p className="error" role="alert">
          Not saved: correct the marked fields.
        </p>
      ) : null}
      <Form method="post" key={result?.ok ? "saved" : "editing"}>
        <CsrfInput />
        <label htmlFor="name">Name</label>
        <input id="name" name="name" defaultValue={value("name")} required />
        {result?.errors.name ? <p className="field-error">{result.errors.name}</p> : null}
        <fieldset>
          <legend>Weights (each group sums to 1)</legend>
          {weightFields.map((f) => field(f, LABELS[f] ?? f))}
        </fieldset>
        <fieldset>
          <legend>Borg CR-10 → effort score (0–100)</legend>
          {rpeKeys.map((k) => field(`rpe_${k}`, `RPE ${k}`))}
        </fieldset>
        <fieldset>
          <legend>Targets</legend>
          {targetFields.map((f) => field(f, LABELS[f] ?? f, f === "expected_contractions" ? "1" : "any"))}
        </fieldset>
        <p>
          <button type="submit">Save configuration</button>
        </p>
      </Form>
    </section>
  );
}
