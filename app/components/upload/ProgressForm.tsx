import { useNavigate } from "@remix-run/react";
import { useState, type FormEvent, type ReactNode } from "react";
import type { FieldErrors } from "~/components/upload/fields";

type Phase =
  | { kind: "idle" }
  | { kind: "uploading"; loaded: number; total: number }
  | { kind: "processing" }
  | { kind: "failed"; errors: FieldErrors };

/**
 * Reads the errors out of the server's HTML answer to a failed upload: the action renders them
 * beside their fields (`data-field-error`), so the page without JavaScript and this uploader show
 * the same messages from one place (docs/decisions/050-upload-progress-posts-to-the-page-action.md).
 */
export function errorsFromDocument(doc: Document | null, status: number): FieldErrors {
  const errors: FieldErrors = {};
  doc?.querySelectorAll<HTMLElement>("[data-field-error]").forEach((el) => {
    const field = el.dataset.fieldError;
    if (field && el.textContent) errors[field] = el.textContent.trim();
  });
  if (Object.keys(errors).length === 0) {
    // A thrown response (403 CSRF or role, 404) renders the root error page: use its message.
    const page = doc?.querySelector(".error-page p")?.textContent?.trim();
    errors.form = page
      ? `The upload was refused (HTTP ${status}): ${page}`
      : `The upload failed (HTTP ${status}). Try again; if it keeps failing, note the time and tell the administrator.`;
  }
  return errors;
}

/**
 * A multipart form that works without JavaScript (a normal POST answered by a redirect) and, with
 * it, posts the same body to the same action through XMLHttpRequest to show real upload progress,
 * then a "processing" state while the server analyses and stores the file. The browser follows the
 * action's redirect; its final URL is where we navigate.
 */
export function ProgressForm({
  action,
  serverErrors,
  children,
  submitLabel,
}: {
  action: string;
  serverErrors: FieldErrors;
  children: (errors: FieldErrors, busy: boolean) => ReactNode;
  submitLabel: string;
}) {
  const navigate = useNavigate();
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const errors = phase.kind === "failed" ? phase.errors : phase.kind === "idle" ? serverErrors : {};
  const busy = phase.kind === "uploading" || phase.kind === "processing";

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const form = event.currentTarget;
    const body = new FormData(form);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.responseType = "document";
    xhr.upload.onprogress = (e) => setPhase({ kind: "uploading", loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
    xhr.upload.onload = () => setPhase({ kind: "processing" });
    xhr.onload = () => {
      const landed = new URL(xhr.responseURL || form.action, window.location.href);
      const posted = new URL(form.action, window.location.href);
      if (xhr.status < 400 && landed.pathname !== posted.pathname) {
        navigate(landed.pathname + landed.search);
        return;
      }
      setPhase({ kind: "failed", errors: errorsFromDocument(xhr.responseXML, xhr.status) });
    };
    xhr.onerror = () =>
      setPhase({
        kind: "failed",
        errors: {
          form: "The connection to the server was lost during the upload. Nothing was stored if no session page opened; try again.",
        },
      });
    setPhase({ kind: "uploading", loaded: 0, total: 0 });
    xhr.send(body);
  }

  return (
    <form method="post" action={action} encType="multipart/form-data" onSubmit={onSubmit} noValidate aria-busy={busy}>
      {children(errors, busy)}
      <div className="submit-row">
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
        <UploadStatus phase={phase} />
      </div>
    </form>
  );
}

function UploadStatus({ phase }: { phase: Phase }) {
  if (phase.kind === "uploading") {
    const percent = phase.total > 0 ? Math.round((phase.loaded / phase.total) * 100) : undefined;
    return (
      <div className="upload-status" role="status" aria-live="polite">
        <label htmlFor="upload-progress">Uploading{percent === undefined ? "…" : ` ${percent} %`}</label>
        <progress id="upload-progress" max={100} value={percent} data-testid="upload-progress" />
      </div>
    );
  }
  if (phase.kind === "processing") {
    return (
      <div className="upload-status" role="status" aria-live="polite" data-testid="processing">
        <progress aria-label="Processing" />
        Uploaded. Processing: reading the C3D, analysing the EMG and scoring…
      </div>
    );
  }
  return <div role="status" aria-live="polite" />;
}
