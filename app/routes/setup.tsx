import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { CsrfInput } from "~/components/csrf";
import { formText } from "~/lib/form";
import { createUserSession, hasAnyUser } from "~/lib/server/auth/sign-in.server";
import { MIN_PASSWORD_LENGTH } from "~/lib/policy";
import { requireCsrf } from "~/lib/server/auth/permissions.server";
import { createFirstAdmin, UserInputError } from "~/lib/server/auth/users.server";
import { requireForm } from "~/lib/server/http/form.server";

export const meta: MetaFunction = () => [{ title: "First start — GHOSTLY+ EMG" }];

const notFound = () => new Response("Not Found", { status: 404 });

/** Exists only while there is no account at all: afterwards it is a 404 like any unknown page. */
export async function loader(_: LoaderFunctionArgs) {
  if (await hasAnyUser()) throw notFound();
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  if (await hasAnyUser()) throw notFound();
  const formData = await requireForm(request);
  await requireCsrf(request, formData);
  const password = formText(formData, "password");
  if (password !== formText(formData, "passwordConfirm")) {
    return data({ field: "passwordConfirm", error: "The two passwords differ." }, { status: 422 });
  }
  try {
    const admin = await createFirstAdmin({
      email: formText(formData, "email"),
      displayName: formText(formData, "displayName"),
      password,
    });
    // Someone else finished setup between our check and our insert.
    if (!admin) throw notFound();
    return createUserSession(request, admin, "/admin/users");
  } catch (error) {
    if (error instanceof UserInputError) return data({ field: error.field, error: error.message }, { status: 422 });
    throw error;
  }
}

export default function Setup() {
  const result = useActionData<{ field: string; error: string }>();
  const errorFor = (field: string) =>
    result?.field === field ? (
      <p className="field-error" id={`${field}-error`} role="alert">
        {result.error}
      </p>
    ) : null;
  return (
    <section className="auth-form">
      <h1>Create the first administrator</h1>
      <p>No account exists yet. The account you create here manages all other accounts.</p>
      <Form method="post">
        <CsrfInput />
        <label htmlFor="displayName">Name</label>
        <input id="displayName" name="displayName" required autoComplete="name" />
        {errorFor("displayName")}
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" required autoComplete="username" />
        {errorFor("email")}
        <label htmlFor="password">Password (at least {MIN_PASSWORD_LENGTH} characters)</label>
        <input id="password" name="password" type="password" required minLength={MIN_PASSWORD_LENGTH} autoComplete="new-password" />
        {errorFor("password")}
        <label htmlFor="passwordConfirm">Repeat the password</label>
        <input id="passwordConfirm" name="passwordConfirm" type="password" required autoComplete="new-password" />
        {errorFor("passwordConfirm")}
        <p>
          <button type="submit">Create administrator</button>
        </p>
      </Form>
    </section>
  );
}
