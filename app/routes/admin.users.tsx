import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/components/csrf";
import { formText } from "~/lib/form";
import { isRole, MIN_PASSWORD_LENGTH, ROLES } from "~/lib/policy";
import { requireAdmin, requireCsrf } from "~/lib/server/auth/permissions.server";
import { createUser, listUsers, setActive, setPassword, setRole, UserInputError } from "~/lib/server/auth/users.server";
import { requireForm } from "~/lib/server/http/form.server";

export const meta: MetaFunction = () => [{ title: "Users — GHOSTLY+ EMG" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireAdmin(request);
  const users = await listUsers(caller);
  return {
    selfId: caller.userId,
    users: users.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
  };
}

type Result = { intent: string; userId?: string; field?: string; error?: string; message?: string };

export async function action({ request }: ActionFunctionArgs) {
  const caller = await requireAdmin(request);
  const formData = await requireForm(request);
  await requireCsrf(request, formData);
  const intent = formText(formData, "intent");
  const userId = formText(formData, "userId");
  const fail = (status: number, result: Result) => data<Result>(result, { status });
  try {
    switch (intent) {
      case "create": {
        const role = formText(formData, "role");
        if (!isRole(role)) return fail(422, { intent, field: "role", error: `Role must be one of ${ROLES.join(", ")}.` });
        const user = await createUser(caller, {
          email: formText(formData, "email"),
          displayName: formText(formData, "displayName"),
          password: formText(formData, "password"),
          role,
        });
        return data<Result>({ intent, userId: user.id, message: `Created ${user.email} (${user.role}).` });
      }
      case "reset-password":
        await setPassword(caller, userId, formText(formData, "password"));
        return data<Result>({ intent, userId, message: "Password reset." });
      case "deactivate":
      case "reactivate":
        // An admin cannot lock themselves (and possibly everyone) out.
        if (userId === caller.userId) return fail(422, { intent, userId, error: "You cannot deactivate your own account." });
        await setActive(caller, userId, intent === "reactivate");
        return data<Result>({ intent, userId, message: intent === "reactivate" ? "Reactivated." : "Deactivated." });
      case "set-role": {
        const role = formText(formData, "role");
        if (userId === caller.userId) return fail(422, { intent, userId, error: "You cannot change your own role." });
        if (!isRole(role)) return fail(422, { intent, userId, field: "role", error: `Role must be one of ${ROLES.join(", ")}.` });
        await setRole(caller, userId, role);
        return data<Result>({ intent, userId, message: `Role set to ${role}.` });
      }
      default:
        return fail(400, { intent, error: `Unknown action "${intent}".` });
    }
  } catch (error) {
    if (error instanceof UserInputError) {
      const status = error.message === "No such user." ? 404 : 422;
      return fail(status, { intent, userId, field: error.field, error: error.message });
    }
    throw error;
  }
}

export default function AdminUsers() {
  const { users, selfId } = useLoaderData<typeof loader>();
  const result = useActionData<Result>();
  const createError = result?.intent === "create" ? result.error : undefined;
  return (
    <section>
      <h1>Users</h1>
      <p>
        <Link to="/admin/exports">Export history</Link> · <Link to="/admin/scoring">Scoring configuration</Link>
      </p>
      {result?.message ? <p role="status">{result.message}</p> : null}
      {result?.error && result.intent !== "create" ? (
        <p className="error" role="alert">
          {result.error}
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Status</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-email={u.email}>
              <td>{u.displayName}</td>
              <td>{u.email}</td>
              <td>{u.role}</td>
              <td>{u.active ? "active" : "deactivated"}</td>
              <td>
                {u.id === selfId ? (
                  "(you)"
                ) : (
                  <>
                    <Form method="post" className="inline-form">
                      <CsrfInput />
                      <input type="hidden" name="userId" value={u.id} />
                      <input type="hidden" name="intent" value={u.active ? "deactivate" : "reactivate"} />
                      <button type="submit">{u.active ? "Deactivate" : "Reactivate"}</button>
                    </Form>
                    <Form method="post" className="inline-form">
                      <CsrfInput />
                      <input type="hidden" name="userId" value={u.id} />
                      <input type="hidden" name="intent" value="set-role" />
                      <select name="role" defaultValue={u.role} aria-label={`Role of ${u.email}`}>
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>{" "}
                      <button type="submit">Set role</button>
                    </Form>
                    <Form method="post" className="inline-form">
                      <CsrfInput />
                      <input type="hidden" name="userId" value={u.id} />
                      <input type="hidden" name="intent" value="reset-password" />
                      <input
                        name="password"
                        type="password"
                        aria-label={`New password for ${u.email}`}
                        minLength={MIN_PASSWORD_LENGTH}
                        required
                        autoComplete="new-password"
                      />{" "}
                      <button type="submit">Reset password</button>
                    </Form>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Create a user</h2>
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="create" />
        <label htmlFor="new-displayName">Name</label>
        <input id="new-displayName" name="displayName" required />
        <label htmlFor="new-email">Email</label>
        <input id="new-email" name="email" type="email" required autoComplete="off" />
        <label htmlFor="new-role">Role</label>
        <select id="new-role" name="role" defaultValue="therapist">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <label htmlFor="new-password">Initial password (at least {MIN_PASSWORD_LENGTH} characters)</label>
        <input id="new-password" name="password" type="password" required minLength={MIN_PASSWORD_LENGTH} autoComplete="new-password" />
        {createError ? (
          <p className="field-error" role="alert">
            {createError}
          </p>
        ) : null}
        <p>
          <button type="submit">Create user</button>
        </p>
      </Form>
    </section>
  );
}
