import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { LocalTime } from "~/components/LocalTime";
import { categoryLabel, formatScore } from "~/components/format";
import { QualityBadge } from "~/components/quality/QualityBadge";
import { QUALITY_STRINGS } from "~/components/quality/strings";
import { qualityStatusSchema } from "~/lib/domain";
import { Field } from "~/components/upload/fields";
import { requirePermission, requireUser } from "~/lib/server/auth/permissions.server";
import { loadSessionList, type SessionListData } from "./list.server";

export const meta: MetaFunction = () => [{ title: "Sessions — GHOSTLY+ EMG" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireUser(request);
  requirePermission(caller, "review");
  const { status, data: body } = await loadSessionList(caller, new URL(request.url));
  return data(body, { status });
}

export default function SessionsList() {
  const { filters, errors, patients, sessions, total, pageCount } = useLoaderData() as SessionListData;
  const pageHref = (page: number) => {
    const params = new URLSearchParams();
    if (filters.patient) params.set("patient", filters.patient);
    if (filters.from) params.set("from", filters.from);
    if (filters.to) params.set("to", filters.to);
    if (filters.quality) params.set("quality", filters.quality);
    params.set("page", String(page));
    return `?${params.toString()}`;
  };
  return (
    <section>
      <h1>Sessions</h1>
      <p>
        <Link to="/sessions/new" className="button">
          Upload a session
        </Link>
      </p>
      <Form method="get" className="filters" aria-label="Filter sessions">
        <div className="field-row">
          <Field name="patient" label="Patient" error={errors.patient}>
            {(props) => (
              <select {...props} defaultValue={filters.patient}>
                <option value="">All patients</option>
                {patients.map((code) => (
                  <option key={code} value={code}>
                    {code}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="from" label="From (date)" error={errors.from}>
            {(props) => <input {...props} type="date" defaultValue={filters.from} />}
          </Field>
          <Field name="to" label="To (date, inclusive)" error={errors.to}>
            {(props) => <input {...props} type="date" defaultValue={filters.to} />}
          </Field>
          <Field name="quality" label={QUALITY_STRINGS.filterLabel} error={errors.quality}>
            {(props) => (
              <select {...props} defaultValue={filters.quality}>
                <option value="">{QUALITY_STRINGS.filterAll}</option>
                {qualityStatusSchema.options.map((status) => (
                  <option key={status} value={status}>
                    {QUALITY_STRINGS.statusLabel[status]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {errors.page ? (
          <p className="field-error" data-field-error="page">
            {errors.page}
          </p>
        ) : null}
        {errors.form ? (
          <p className="field-error" data-field-error="form">
            {errors.form}
          </p>
        ) : null}
        <button type="submit">Filter</button> <Link to="/sessions">Clear filters</Link>
      </Form>
      <p role="status">
        {total === 0
          ? "No sessions match."
          : `${total} session${total === 1 ? "" : "s"}, newest first. Page ${filters.page} of ${pageCount}.`}
      </p>
      {sessions.length > 0 ? (
        <table data-testid="sessions-table">
          <thead>
            <tr>
              <th scope="col">Recorded</th>
              <th scope="col">Patient</th>
              <th scope="col">Session</th>
              <th scope="col">File</th>
              <th scope="col" className="num">
                Overall
              </th>
              <th scope="col">Category</th>
              <th scope="col">{QUALITY_STRINGS.listColumn}</th>
              {sessions.some((s) => s.therapist) ? <th scope="col">Therapist</th> : null}
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>
                  <LocalTime iso={s.recorded_at ?? s.created_at} />
                </td>
                <td>
                  <Link to={`/patients/${s.patient_code}`}>{s.patient_code}</Link>
                </td>
                <td>
                  <Link to={`/sessions/${s.id}`}>{s.session_code}</Link>
                </td>
                <td>{s.source_filename}</td>
                <td className="num">{formatScore(s.overall_score)}</td>
                <td>{categoryLabel(s.category)}</td>
                <td>
                  <QualityBadge status={s.quality_status} />
                </td>
                {sessions.some((x) => x.therapist) ? <td>{s.therapist ?? "—"}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {pageCount > 1 ? (
        <nav aria-label="Pages" className="pager">
          {filters.page > 1 ? (
            <Link to={pageHref(filters.page - 1)} rel="prev">
              ← Newer
            </Link>
          ) : null}
          <span>
            Page {filters.page} of {pageCount}
          </span>
          {filters.page < pageCount ? (
            <Link to={pageHref(filters.page + 1)} rel="next">
              Older →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}
