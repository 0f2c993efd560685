import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import uplotStyles from "uplot/dist/uPlot.min.css";
import { CsrfInput } from "~/components/csrf";
import { ClientDownloads } from "~/components/session/ClientDownloads";
import { SessionReview } from "~/components/session/SessionReview";
import { FileDrop } from "~/components/upload/FileDrop";
import { FormError, SessionInputFields, type FieldErrors } from "~/components/upload/fields";
import type { SessionExport } from "~/lib/export/schema";
import { getConfig } from "~/lib/server/http/config.server";
import { requirePermission, requireUser } from "~/lib/server/auth/permissions.server";
import { quickAnalysis } from "./quick-analysis.server";
import type { StoredEnvelope } from "~/lib/server/repositories/sessions/types.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: uplotStyles }];

export const meta: MetaFunction = () => [{ title: "Quick analysis — GHOSTLY+ EMG" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireUser(request);
  requirePermission(caller, "export");
  return { maxUploadMb: getConfig().MAX_UPLOAD_MB };
}

export async function action({ request }: ActionFunctionArgs) {
  const caller = await requireUser(request);
  requirePermission(caller, "export");
  const result = await quickAnalysis(request);
  if (result.ok) return { result: { uploadName: result.uploadName, exp: result.exp, envelopes: result.envelopes }, errors: {}, values: {} };
  return data({ result: null, errors: result.errors, values: result.values }, { status: result.status });
}

interface ActionData {
  result: { uploadName: string; exp: SessionExport; envelopes: Record<string, StoredEnvelope> } | null;
  errors: FieldErrors;
  values: Record<string, string>;
}

export default function QuickAnalysis() {
  const { maxUploadMb } = useLoaderData() as { maxUploadMb: number };
  const actionData = useActionData<ActionData>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const errors = actionData?.errors ?? {};
  const result = actionData?.result ?? null;
  return (
    <section>
      <h1>Quick analysis</h1>
      <p>Analyse a C3D file without storing it: nothing is saved on the server. Downloads are built in your browser.</p>
      <Form method="post" encType="multipart/form-data" noValidate aria-busy={busy}>
        <CsrfInput />
        <FormError message={errors.form} />
        <FileDrop error={errors.file} maxUploadMb={maxUploadMb} />
        <details open={Object.keys(errors).some((k) => k !== "file" && k !== "form")}>
          <summary>Session inputs and targets (optional)</summary>
          <SessionInputFields errors={errors} values={actionData?.values ?? {}} />
        </details>
        <div className="submit-row">
          <button type="submit" disabled={busy}>
            {busy ? "Analysing…" : "Analyse"}
          </button>
          <div role="status" aria-live="polite">
            {busy ? "Uploading and analysing…" : null}
          </div>
        </div>
      </Form>
      {result ? (
        <div className="analysis-result" data-testid="analysis-result">
          <h2>Result for {result.uploadName}</h2>
          <SessionReview
            exp={result.exp}
            envelopes={result.envelopes}
            downloads={<ClientDownloads exp={result.exp} uploadName={result.uploadName} />}
          />
        </div>
      ) : null}
    </section>
  );
}
