/** /patients/:code/compare?a=&b= — two sessions of a patient side by side, from their canonical exports. */
import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ComparisonTable, COMPARE_TEXT } from "~/components/compare/ComparisonTable";
import { formatTimestamp } from "~/components/LocalTime";
import { requirePermission, requireUser } from "~/lib/server/auth/permissions.server";
import { loadComparison, type ComparedSession, type ComparisonData } from "./compare.server";

export const meta: MetaFunction = ({ params }) => [{ title: `Compare sessions of ${params.code ?? ""} — GHOSTLY+ EMG` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const caller = await requireUser(request);
  requirePermission(caller, "review");
  const result = await loadComparison(caller, params.code ?? "", new URL(request.url).searchParams);
  if (!result) throw data(`There is no patient ${params.code ?? ""}, or you do not treat them.`, { status: 404 });
  return data(result.data, { status: result.status });
}

/** The recording date, server- and client-identical (wall-clock time, no zone conversion). */
function choiceLabel(s: ComparedSession): string {
  const when = s.recordedAt ? formatTimestamp(s.recordedAt, { dateOnly: true, locale: "en-GB" }) : null;
  return when ? `${s.sessionCode} (${when})` : s.sessionCode;
}

function SessionPicker({
  field,
  label,
  choices,
  value,
  error,
}: {
  field: "a" | "b";
  label: string;
  choices: ComparedSession[];
  value?: string;
  error?: string;
}) {
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={`compare-${field}`}>{label}</label>
      <select id={`compare-${field}`} name={field} defaultValue={value ?? ""} aria-invalid={error ? true : undefined}>
        <option value="">—</option>
        {choices.map((s) => (
          <option key={s.id} value={s.id}>
            {choiceLabel(s)}
          </option>
        ))}
      </select>
      {error ? <p className="field-error">{error}</p> : null}
    </div>
  );
}

export default function ComparePage() {
  const { patient, choices, a, b, rows, errors } = useLoaderData() as ComparisonData;
  return (
    <section>
      <p>
        <Link to={`/patients/${patient}`}>{COMPARE_TEXT.back(patient)}</Link>
      </p>
      <h1>{COMPARE_TEXT.title(patient)}</h1>
      {choices.length < 2 ? <p>{COMPARE_TEXT.noSessions}</p> : null}
      <Form method="get" className="filters">
        <fieldset>
          <legend>{COMPARE_TEXT.pick}</legend>
          <div className="field-row">
            <SessionPicker field="a" label={COMPARE_TEXT.sessionA} choices={choices} value={a?.id} error={errors.a} />
            <SessionPicker field="b" label={COMPARE_TEXT.sessionB} choices={choices} value={b?.id} error={errors.b} />
          </div>
          <button type="submit">{COMPARE_TEXT.submit}</button>
        </fieldset>
      </Form>
      {a && b ? (
        <>
          <p>
            {COMPARE_TEXT.sessionA}: <Link to={`/sessions/${a.id}`}>{choiceLabel(a)}</Link> · {COMPARE_TEXT.sessionB}:{" "}
            <Link to={`/sessions/${b.id}`}>{choiceLabel(b)}</Link>
          </p>
          <ComparisonTable rows={rows} a={a.sessionCode} b={b.sessionCode} />
        </>
      ) : null}
    </section>
  );
}
