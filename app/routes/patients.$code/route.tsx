import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { LocalTime } from "~/components/LocalTime";
import { TrendPlot, TrendToggle } from "~/components/TrendPlot";
import { isTrendView } from "~/components/trend/trend-model";
import { categoryLabel, formatScore, formatVolts } from "~/components/format";
import { requirePermission, requireUser } from "~/lib/server/auth/permissions.server";
import { loadPatientPage } from "./patient.server";

export const meta: MetaFunction<typeof loader> = ({ params }) => [{ title: `Patient ${params.code ?? ""} — GHOSTLY+ EMG` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const caller = await requireUser(request);
  requirePermission(caller, "review");
  const page = await loadPatientPage(caller, params.code ?? "");
  if (!page) throw data(`There is no patient ${params.code ?? ""}, or you do not treat them.`, { status: 404 });
  return page;
}

export default function PatientPage() {
  const { patient, sessions } = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
  const trend = search.get("trend");
  const view = isTrendView(trend) ? trend : "scores";
  // Newest first: the latest session is B, the one before it A, so the difference is the change.
  const latestTwo =
    sessions.length >= 2 ? `?${new URLSearchParams({ a: sessions[1].sessionId, b: sessions[0].sessionId }).toString()}` : null;
  const batchHref = `/api/export/sessions?${new URLSearchParams({ patient: patient.code, format: "csv" }).toString()}`;
  return (
    <section>
      <h1>Patient {patient.code}</h1>
      <dl className="facts">
        <div>
          <dt>Sessions</dt>
          <dd data-testid="session-count">{sessions.length}</dd>
        </div>
        <div>
          <dt>Stored MVC left / right</dt>
          <dd>
            {formatVolts(patient.mvcCh1)} / {formatVolts(patient.mvcCh2)}
          </dd>
        </div>
      </dl>
      <p>
        <a className="button" href={batchHref} download data-testid="batch-csv">
          All sessions as CSV (one row per session)
        </a>{" "}
        <Link to={`/sessions?patient=${patient.code}`}>Filter the sessions list</Link>
      </p>
      {latestTwo ? (
        <p>
          <Link to={`/patients/${patient.code}/compare${latestTwo}`} data-testid="compare-latest">
            Compare the latest two sessions
          </Link>{" "}
          · <Link to={`/patients/${patient.code}/compare`}>Compare two sessions of your choice</Link>
        </p>
      ) : null}
      <h2>Trend</h2>
      <TrendToggle view={view} hrefFor={(v) => (v === "scores" ? "?" : `?trend=${v}`)} />
      <TrendPlot describedBy="patient-sessions" points={sessions} view={view} />
      <h2>Sessions</h2>
      {sessions.length === 0 ? (
        <p>No sessions yet.</p>
      ) : (
        <table id="patient-sessions" data-testid="patient-sessions">
          <caption>Sessions of {patient.code}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Recorded</th>
              <th scope="col">Session</th>
              <th scope="col" className="num">
                Overall
              </th>
              <th scope="col" className="num">
                Compliance
              </th>
              <th scope="col" className="num">
                Symmetry
              </th>
              <th scope="col">Category</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.sessionId}>
                <td>
                  <LocalTime iso={s.recordedAt} />
                </td>
                <td>
                  <Link to={`/sessions/${s.sessionId}`}>{s.sessionCode}</Link>
                </td>
                <td className="num">{formatScore(s.overall)}</td>
                <td className="num">{formatScore(s.compliance)}</td>
                <td className="num">{formatScore(s.symmetry)}</td>
                <td>{categoryLabel(s.category as Parameters<typeof categoryLabel>[0])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
