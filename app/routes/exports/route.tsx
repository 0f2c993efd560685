/**
 * /exports — the cohort export page: filters, format and table, the row count before downloading,
 * and the download from GET /api/export/sessions with the same filters. Therapists see their own
 * patients, researchers all (pseudonymised by the export itself), admins all.
 */
import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { requirePermission, requireUser } from "~/lib/server/auth/permissions.server";
import { ARCHIVED_CHOICES, COHORT_FORMATS, QUALITY_STATUSES, type CohortField } from "./cohort-query";
import { loadCohortPage, type CohortPageData } from "./cohort.server";

export const meta: MetaFunction = () => [{ title: "Cohort export — GHOSTLY+ EMG" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireUser(request);
  requirePermission(caller, "batch");
  const result = await loadCohortPage(caller, new URL(request.url).searchParams);
  return data({ ...result.data, role: caller.role }, { status: result.status });
}

const TEXT = {
  title: "Cohort export",
  intro: "Download many sessions at once, in the same format as a single session's export.",
  pseudonymised: "You see pseudonymised data: patient codes only, never the therapist or names from the recording.",
  filters: "Which sessions",
  patient: "Patient",
  allPatients: "All patients",
  from: "Recorded from",
  to: "Recorded until (inclusive)",
  quality: "Recording quality",
  anyQuality: "Any",
  qualityLabels: { good: "Good", review: "Needs review", unusable: "Unusable" },
  archived: "Archived sessions",
  archivedLabels: { exclude: "Leave out", include: "Include", only: "Only archived" },
  output: "File",
  format: "Format",
  formatLabels: {
    csv: "CSV (one row per session)",
    json: "JSON (one document per session)",
    xlsx: "Excel workbook (sessions and contractions sheets)",
  },
  table: "Contractions table instead (CSV, one row per contraction)",
  count: "Count the rows",
  rows: (count: number, what: string) => `${count} ${what}${count === 1 ? "" : "s"}`,
  download: "Download",
  nothing: "No sessions match these filters: there is nothing to download.",
} as const;

function FieldError({ message, id }: { message?: string; id: string }) {
  return message ? (
    <p className="field-error" id={id}>
      {message}
    </p>
  ) : null;
}

export default function CohortExportPage() {
  const { query, errors, patients, count, downloadHref, role } = useLoaderData() as CohortPageData & { role: string };
  const invalid = (field: CohortField) => (errors[field] ? { "aria-invalid": true, "aria-describedby": `${field}-error` } : {});
  const contractionsTable = query.table === "contractions";
  const rowsText =
    count === null
      ? null
      : contractionsTable
        ? `${TEXT.rows(count.contractions, "row")} (the contractions of ${TEXT.rows(count.sessions, "session")})`
        : query.format === "xlsx"
          ? `${TEXT.rows(count.sessions, "session row")} and ${TEXT.rows(count.contractions, "contraction row")}`
          : TEXT.rows(count.sessions, query.format === "json" ? "session" : "row");
  return (
    <section>
      <h1>{TEXT.title}</h1>
      <p>{TEXT.intro}</p>
      {role === "researcher" ? <p className="notice">{TEXT.pseudonymised}</p> : null}
      <Form method="get" noValidate>
        <fieldset>
          <legend>{TEXT.filters}</legend>
          <div className="field-row">
            <div className="field">
              <label htmlFor="cohort-patient">{TEXT.patient}</label>
              <select id="cohort-patient" name="patient" defaultValue={query.patient} {...invalid("patient")}>
                <option value="">{TEXT.allPatients}</option>
                {patients.map((code) => (
                  <option key={code} value={code}>
                    {code}
                  </option>
                ))}
              </select>
              <FieldError id="patient-error" message={errors.patient} />
            </div>
            <div className="field">
              <label htmlFor="cohort-from">{TEXT.from}</label>
              <input id="cohort-from" name="from" type="date" defaultValue={query.from} {...invalid("from")} />
              <FieldError id="from-error" message={errors.from} />
            </div>
            <div className="field">
              <label htmlFor="cohort-to">{TEXT.to}</label>
              <input id="cohort-to" name="to" type="date" defaultValue={query.to} {...invalid("to")} />
              <FieldError id="to-error" message={errors.to} />
            </div>
            <div className="field">
              <label htmlFor="cohort-quality">{TEXT.quality}</label>
              <select id="cohort-quality" name="quality" defaultValue={query.quality} {...invalid("quality")}>
                <option value="">{TEXT.anyQuality}</option>
                {QUALITY_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {TEXT.qualityLabels[s]}
                  </option>
                ))}
              </select>
              <FieldError id="quality-error" message={errors.quality} />
            </div>
            <div className="field">
              <label htmlFor="cohort-archived">{TEXT.archived}</label>
              <select id="cohort-archived" name="archived" defaultValue={query.archived} {...invalid("archived")}>
                {ARCHIVED_CHOICES.map((s) => (
                  <option key={s} value={s}>
                    {TEXT.archivedLabels[s]}
                  </option>
                ))}
              </select>
              <FieldError id="archived-error" message={errors.archived} />
            </div>
          </div>
        </fieldset>
        <fieldset>
          <legend>{TEXT.output}</legend>
          <div className="field">
            <label htmlFor="cohort-format">{TEXT.format}</label>
            <select id="cohort-format" name="format" defaultValue={query.format} {...invalid("format")}>
              {COHORT_FORMATS.map((f) => (
                <option key={f} value={f}>
                  {TEXT.formatLabels[f]}
                </option>
              ))}
            </select>
            <FieldError id="format-error" message={errors.format} />
          </div>
          <label className="checkbox">
            <input type="checkbox" name="table" value="contractions" defaultChecked={contractionsTable} {...invalid("table")} />{" "}
            {TEXT.table}
          </label>
          <FieldError id="table-error" message={errors.table} />
        </fieldset>
        <FieldError id="form-error" message={errors.form} />
        <button type="submit">{TEXT.count}</button>
      </Form>
      {count !== null && downloadHref ? (
        <section aria-live="polite" className="cohort-result">
          <p data-testid="cohort-count" data-sessions={count.sessions} data-contractions={count.contractions}>
            {rowsText}
          </p>
          {count.sessions === 0 ? (
            <p>{TEXT.nothing}</p>
          ) : (
            <p>
              <a className="button" href={downloadHref} download data-testid="cohort-download">
                {TEXT.download} ({query.format.toUpperCase()})
              </a>
            </p>
          )}
        </section>
      ) : null}
    </section>
  );
}
