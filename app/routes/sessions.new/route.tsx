import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/components/csrf";
import { FileDrop } from "~/components/upload/FileDrop";
import { ProgressForm } from "~/components/upload/ProgressForm";
import { Field, FormError, SessionInputFields, type FieldErrors } from "~/components/upload/fields";
import { PATIENT_CODE_PATTERN, PATIENT_CODE_RULE } from "~/lib/policy";
import { getConfig } from "~/lib/server/http/config.server";
import { listPatients } from "~/lib/server/repositories/patients.server";
import { requirePermission, requireUser } from "~/lib/server/auth/permissions.server";
import { uploadSession } from "./upload.server";

export const meta: MetaFunction = () => [{ title: "Upload a session — GHOSTLY+ EMG" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireUser(request);
  requirePermission(caller, "upload");
  const url = new URL(request.url);
  return {
    patients: (await listPatients(caller)).map((p) => p.code),
    preselected: url.searchParams.get("patient") ?? "",
    maxUploadMb: getConfig().MAX_UPLOAD_MB,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const caller = await requireUser(request);
  requirePermission(caller, "upload");
  const result = await uploadSession(caller, request);
  if (result.ok) {
    return redirect(`/sessions/${result.sessionId}${result.duplicate ? "?duplicate=1" : ""}`);
  }
  return data({ errors: result.errors, values: result.values }, { status: result.status });
}

interface LoaderData {
  patients: string[];
  preselected: string;
  maxUploadMb: number;
}

interface ActionData {
  errors: FieldErrors;
  values: Record<string, string>;
}

export default function UploadSession() {
  const { patients, preselected, maxUploadMb } = useLoaderData() as LoaderData;
  const actionData = useActionData<ActionData>();
  const values = actionData?.values ?? {};
  return (
    <section className="upload-page">
      <h1>Upload a session</h1>
      <p>
        The file is read, analysed and scored on the server, then stored for the patient. Uploading the same file again for the same patient
        opens the session already stored.
      </p>
      <ProgressForm action="/sessions/new" serverErrors={actionData?.errors ?? {}} submitLabel="Upload and analyse">
        {(errors) => (
          <>
            <FormError message={errors.form} />
            <CsrfInput />
            <FileDrop error={errors.file} maxUploadMb={maxUploadMb} />
            <fieldset>
              <legend>Patient</legend>
              <div className="field-row">
                <Field name="patient_code" label="Existing patient" error={errors.patient_code}>
                  {(props) => (
                    <select {...props} defaultValue={values.patient_code ?? preselected}>
                      <option value="">— choose —</option>
                      {patients.map((code) => (
                        <option key={code} value={code}>
                          {code}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field
                  name="new_patient_code"
                  label="or a new patient code"
                  hint={`${PATIENT_CODE_RULE}, e.g. P014`}
                  error={errors.new_patient_code}
                >
                  {(props) => (
                    <input
                      {...props}
                      type="text"
                      pattern={PATIENT_CODE_PATTERN}
                      autoComplete="off"
                      defaultValue={values.new_patient_code ?? ""}
                    />
                  )}
                </Field>
              </div>
            </fieldset>
            <SessionInputFields errors={errors} values={values} />
          </>
        )}
      </ProgressForm>
    </section>
  );
}
