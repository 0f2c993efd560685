import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import uplotStyles from "uplot/dist/uPlot.min.css";
import { CsrfInput } from "~/components/csrf";
import { ExportLinks } from "~/components/session/ExportLinks";
import { HistoryPanel } from "~/components/session/HistoryPanel";
import { SessionReview } from "~/components/session/SessionReview";
import { CorrectionFields, FormError, type FieldErrors } from "~/components/upload/fields";
import { requireCsrf, requirePermission, requireUser } from "~/lib/server/auth/permissions.server";
import { reprocessSession } from "~/lib/server/reprocess.server";
import { REPROCESS_FIELDS, REPROCESS_TEXT, ReprocessForm } from "./ReprocessForm";
import { correctSessionInputs, loadReview, type ReviewData } from "./review.server";
import { requireForm } from "~/lib/server/http/form.server";
import { idParam } from "~/lib/server/db/ids.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: uplotStyles }];

export const meta: MetaFunction = ({ data: loaded }) => {
  const review = loaded as ReviewData | undefined;
  const code = review?.exp.session?.session_code;
  return [{ title: code ? `Session ${code} — GHOSTLY+ EMG` : "Session — GHOSTLY+ EMG" }];
};

const NOT_FOUND = "There is no such session, or it is not one of your patients'.";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const caller = await requireUser(request);
  requirePermission(caller, "review");
  const review = await loadReview(caller, idParam(params.sessionId));
  if (!review) throw data(NOT_FOUND, { status: 404 });
  return review;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const caller = await requireUser(request);
  requirePermission(caller, "edit");
  const form = await requireForm(request);
  await requireCsrf(request, form);
  const id = idParam(params.sessionId);
  if (form.get("intent") === "reprocess") {
    const fields: Record<string, string> = {};
    for (const field of REPROCESS_FIELDS) {
      const v = form.get(field);
      if (typeof v === "string" && v.trim() !== "") fields[field] = v.trim();
    }
    const done = await reprocessSession(caller, id, fields);
    if (done.ok) return redirect(`/sessions/${id}?reprocessed=1#history-heading`);
    if (done.status === 404) throw data(NOT_FOUND, { status: 404 });
    return data({ errors: { [done.field]: done.error }, values: fields, intent: "reprocess" }, { status: done.status });
  }
  const result = await correctSessionInputs(caller, id, form);
  if (result.ok) return redirect(`/sessions/${id}?updated=1#correct-heading`);
  if (result.status === 404) throw data(NOT_FOUND, { status: 404 });
  return data({ errors: result.errors, values: result.values }, { status: result.status });
}

interface ActionData {
  errors: FieldErrors;
  values: Record<string, string>;
  intent?: "reprocess";
}

export default function SessionPage() {
  const { sessionId, exp, envelopes, canEdit } = useLoaderData() as ReviewData;
  const actionData = useActionData<ActionData>();
  const navigation = useNavigation();
  const [search] = useSearchParams();
  const sp = exp.session_parameters;
  const ps = exp.performance_scores;
  const current: Record<string, string> = {
    rpe_pre_session: sp?.rpe_pre_session?.toString() ?? "",
    rpe_post_session: sp?.rpe_post_session?.toString() ?? "",
    bfr_pressure_aop: ps?.bfr_pressure_aop?.toString() ?? "",
    game_points_max: ps?.game_points_max?.toString() ?? "",
  };
  const reprocessing = actionData?.intent === "reprocess";
  const errors: FieldErrors = reprocessing ? {} : (actionData?.errors ?? {});
  return (
    <section>
      <p>
        <Link to="/sessions">← Sessions</Link>
        {exp.session?.patient_code ? (
          <>
            {" · "}
            <Link to={`/patients/${exp.session.patient_code}`}>Patient {exp.session.patient_code}</Link>
          </>
        ) : null}
      </p>
      <h1>Session {exp.session?.session_code ?? sessionId}</h1>
      {search.get("duplicate") ? (
        <p className="notice" role="status" data-testid="duplicate-notice">
          This file had already been uploaded for this patient: this is the session stored then. Nothing new was stored.
        </p>
      ) : null}
      {search.get("reprocessed") && !actionData ? (
        <p className="notice" role="status" data-testid="reprocessed-notice">
          {REPROCESS_TEXT.done}
        </p>
      ) : null}
      {search.get("updated") && !actionData ? (
        <p className="notice" role="status" data-testid="updated-notice">
          Inputs saved and the session re-scored. The downloads show the new scores.
        </p>
      ) : null}
      <SessionReview exp={exp} envelopes={envelopes} downloads={<ExportLinks sessionId={sessionId} />}>
        {canEdit ? (
          <section aria-labelledby="correct-heading" className="correct">
            <h2 id="correct-heading">Correct therapist inputs</h2>
            <p className="hint">
              Saving re-scores the session from its stored contractions; an empty field clears the value (its weight is then redistributed).
            </p>
            <Form method="post" noValidate key={JSON.stringify(current)}>
              <CsrfInput />
              <FormError message={errors.form} />
              <CorrectionFields errors={errors} values={actionData?.values ?? current} />
              <button type="submit" disabled={navigation.state === "submitting"}>
                {navigation.state === "submitting" ? "Saving…" : "Save and re-score"}
              </button>
            </Form>
          </section>
        ) : null}
        {canEdit ? (
          <ReprocessForm
            exp={exp}
            errors={reprocessing ? actionData.errors : {}}
            values={reprocessing ? actionData.values : undefined}
            busy={navigation.state === "submitting"}
          />
        ) : null}
        <HistoryPanel events={exp.history ?? []} />
      </SessionReview>
    </section>
  );
}
