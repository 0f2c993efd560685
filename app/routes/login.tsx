import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { CsrfInput } from "~/components/csrf";
import { formText } from "~/lib/form";
import { attemptSignIn, BAD_CREDENTIALS_MESSAGE, createUserSession, hasAnyUser, safeRedirectPath } from "~/lib/server/auth/sign-in.server";
import { getSignedInUser, requireCsrf } from "~/lib/server/auth/permissions.server";
import { requireForm } from "~/lib/server/http/form.server";

export const meta: MetaFunction = () => [{ title: "Sign in — GHOSTLY+ EMG" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (!(await hasAnyUser())) throw redirect("/setup");
  if (await getSignedInUser(request)) {
    throw redirect(safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"), "/"));
  }
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await requireForm(request);
  await requireCsrf(request, formData);
  const email = formText(formData, "email").trim();
  const password = formText(formData, "password");
  const redirectTo = safeRedirectPath(formData.get("redirectTo"), "/");
  if (!email || !password) return data({ error: "Enter your email and password." }, { status: 400 });
  const result = await attemptSignIn(context, email, password);
  if (result.ok) return createUserSession(request, result.user, redirectTo);
  if (result.reason === "rate-limited") {
    return data(
      { error: `Too many failed sign-in attempts. Try again in ${result.retryAfterSeconds} seconds.` },
      { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } },
    );
  }
  return data({ error: BAD_CREDENTIALS_MESSAGE }, { status: 401 });
}

export default function Login() {
  const actionData = useActionData<{ error: string }>();
  const [searchParams] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <section className="auth-form">
      <h1>Sign in</h1>
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        {actionData?.error ? (
          <p className="error" role="alert">
            {actionData.error}
          </p>
        ) : null}
        <p>
          <button type="submit" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </p>
      </Form>
    </section>
  );
}
