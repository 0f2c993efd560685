import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/components/csrf";
import { formText } from "~/lib/form";
import { attemptSignIn, reopenSession } from "~/lib/server/auth/sign-in.server";
import { countAuthSessions } from "~/lib/server/auth/auth-sessions.server";
import { MIN_PASSWORD_LENGTH, passwordProblem } from "~/lib/policy";
import { requireCsrf, requireUser } from "~/lib/server/auth/permissions.server";
import { setPassword, UserInputError } from "~/lib/server/auth/users.server";
import { requireForm } from "~/lib/server/http/form.server";

export const CHANGED_PARAM = "password";

export async function loader({ request }: LoaderFunctionArgs) {
  const { userId } = await requireUser(request);
  return {
    sessions: await countAuthSessions(userId),
    changed: new URL(request.url).searchParams.get(CHANGED_PARAM) === "changed",
  };
}

type Result = { ok: false; field: string; message: string };
const refuse = (status: number, field: string, message: string, headers?: HeadersInit) =>
  data<Result>({ ok: false, field, message }, { status, headers });

/**
 * Changing one's own password needs the current one: a borrowed, signed-in browser is not enough,
 * and guessing it here counts against the same limits as the sign-in form. The answer is a
 * redirect carrying this browser's new session, so the page that follows — with or without
 * JavaScript — is already signed in with it (every other session has ended).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const caller = await requireUser(request);
  const { user } = caller;
  const formData = await requireForm(request);
  await requireCsrf(request, formData);
  const current = formText(formData, "currentPassword");
  const next = formText(formData, "newPassword");
  if (next !== formText(formData, "newPasswordConfirm")) return refuse(422, "newPasswordConfirm", "The two new passwords differ.");
  const problem = passwordProblem(next);
  if (problem) return refuse(422, "newPassword", problem);
  const check = await attemptSignIn(context, user.email, current);
  if (!check.ok && check.reason === "rate-limited") {
    return refuse(429, "currentPassword", `Too many wrong passwords. Try again in ${check.retryAfterSeconds} seconds.`, {
      "Retry-After": String(check.retryAfterSeconds),
    });
  }
  if (!check.ok || check.user.id !== user.id) return refuse(422, "currentPassword", "The current password is incorrect.");
  try {
    await setPassword(caller, user.id, next);
  } catch (error) {
    if (error instanceof UserInputError) return refuse(422, "newPassword", error.message);
    throw error;
  }
  return redirect(`/account?${CHANGED_PARAM}=changed`, { headers: { "Set-Cookie": await reopenSession(request, user) } });
}

export default function AccountPassword() {
  const { sessions, changed } = useLoaderData<typeof loader>();
  const result = useActionData<Result>();
  const errorFor = (field: string) =>
    result && result.field === field ? (
      <p className="field-error" role="alert">
        {result.message}
      </p>
    ) : null;
  return (
    <>
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
        {changed && !result ? (
          <p role="status">Password changed. You were signed out everywhere else; this browser stays signed in.</p>
        ) : null}
        <p>
          <button type="submit">Change password</button>
        </p>
      </Form>
      <Form method="post" action="/logout">
        <h2>Signed-in browsers</h2>
        <CsrfInput />
        <input type="hidden" name="scope" value="everywhere" />
        <p data-testid="session-count">
          {sessions === 1 ? "You are signed in on this browser only." : `You are signed in on ${sessions} browsers (this one included).`}
        </p>
        <p>
          <button type="submit">Sign out everywhere</button>
        </p>
      </Form>
    </>
  );
}
