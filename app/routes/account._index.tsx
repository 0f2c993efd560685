import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { CsrfInput } from "~/components/csrf";
import { formText } from "~/lib/form";
import { renewSessionVersion } from "~/lib/server/auth/sign-in.server";
import { MIN_PASSWORD_LENGTH } from "~/lib/policy";
import { requireCsrf, requireUser } from "~/lib/server/auth/permissions.server";
import { authenticate, setPassword, UserInputError } from "~/lib/server/auth/users.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return null;
}

/** Changing one's own password needs the current one: a borrowed, signed-in browser is not enough. */
export async function action({ request }: ActionFunctionArgs) {
  const caller = await requireUser(request);
  const { user } = caller;
  const formData = await request.formData();
  await requireCsrf(request, formData);
  const current = formText(formData, "currentPassword");
  const next = formText(formData, "newPassword");
  if (!(await authenticate(user.email, current))) {
    return data({ ok: false, field: "currentPassword", message: "The current password is incorrect." }, { status: 422 });
  }
  if (next !== formText(formData, "newPasswordConfirm")) {
    return data({ ok: false, field: "newPasswordConfirm", message: "The two new passwords differ." }, { status: 422 });
  }
  let sessionVersion: number;
  try {
    sessionVersion = await setPassword(caller, user.id, next);
  } catch (error) {
    if (error instanceof UserInputError) return data({ ok: false, field: "newPassword", message: error.message }, { status: 422 });
    throw error;
  }
  // Every other session of this user has just ended; this one carries on.
  return data(
    { ok: true, field: null, message: "Password changed. You were signed out everywhere else." },
    { headers: { "Set-Cookie": await renewSessionVersion(request, sessionVersion) } },
  );
}

export default function AccountPassword() {
  const result = useActionData<{ ok: boolean; field: string | null; message: string }>();
  const errorFor = (field: string) =>
    result && !result.ok && result.field === field ? (
      <p className="field-error" role="alert">
        {result.message}
      </p>
    ) : null;
  return (
    <Form method="post">
      <h2>Change password</h2>
      <CsrfInput />
      <label htmlFor="currentPassword">Current password</label>
      <input id="currentPassword" name="currentPassword" type="password" required autoComplete="current-password" />
      {errorFor("currentPassword")}
      <label htmlFor="newPassword">New password (at least {MIN_PASSWORD_LENGTH} characters)</label>
      <input id="newPassword" name="newPassword" type="password" required minLength={MIN_PASSWORD_LENGTH} autoComplete="new-password" />
      {errorFor("newPassword")}
      <label htmlFor="newPasswordConfirm">Repeat the new password</label>
      <input id="newPasswordConfirm" name="newPasswordConfirm" type="password" required autoComplete="new-password" />
      {errorFor("newPasswordConfirm")}
      {result?.ok ? <p role="status">{result.message}</p> : null}
      <p>
        <button type="submit">Change password</button>
      </p>
    </Form>
  );
}
