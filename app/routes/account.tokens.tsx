import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/components/csrf";
import { formText } from "~/lib/form";
import { getDb } from "~/lib/server/db.server";
import { requireCsrf, requireUser } from "~/lib/server/permissions.server";
import { createApiToken, listApiTokens, revokeApiToken, TokenNameError } from "~/lib/server/tokens.server";

export const meta: MetaFunction = () => [{ title: "API tokens — GHOSTLY+ EMG" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireUser(request);
  const tokens = await listApiTokens(await getDb(), caller.userId);
  return {
    tokens: tokens.map((t) => ({
      id: t.id,
      name: t.name,
      createdAt: t.createdAt.toISOString(),
      lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
      revokedAt: t.revokedAt?.toISOString() ?? null,
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const caller = await requireUser(request);
  const formData = await request.formData();
  await requireCsrf(request, formData);
  const db = await getDb();
  const intent = formData.get("intent");
  if (intent === "create") {
    try {
      const { token, record } = await createApiToken(db, caller.userId, formText(formData, "name"));
      // Shown once; the response must not be cached anywhere.
      return data(
        { intent, token, name: record.name, error: null },
        { headers: { "Cache-Control": "no-store" } },
      );
    } catch (error) {
      if (error instanceof TokenNameError) return data({ intent, token: null, name: null, error: error.message }, { status: 422 });
      throw error;
    }
  }
  if (intent === "revoke") {
    const revoked = await revokeApiToken(db, caller.userId, formText(formData, "tokenId"));
    if (!revoked) return data({ intent, token: null, name: null, error: "No such active token." }, { status: 404 });
    return { intent, token: null, name: null, error: null };
  }
  return data({ intent: null, token: null, name: null, error: "Unknown action." }, { status: 400 });
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

export default function AccountTokens() {
  const { tokens } = useLoaderData<typeof loader>();
  const result = useActionData<{ intent: string | null; token: string | null; name: string | null; error: string | null }>();
  return (
    <div>
      <h2>API tokens</h2>
      <p>
        Scripts send a token as <code>Authorization: Bearer &lt;token&gt;</code> to the <code>/api/export/…</code>{" "}
        routes and get what your account may see.
      </p>
      {result?.token ? (
        <div role="status" className="card">
          <p>
            Token <strong>{result.name}</strong> created. Copy it now: it is shown only once.
          </p>
          <input readOnly value={result.token} aria-label="New API token" data-testid="new-token" size={60} />
        </div>
      ) : null}
      {result?.error ? (
        <p className="error" role="alert">
          {result.error}
        </p>
      ) : null}
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="create" />
        <label htmlFor="token-name">Name (what the token is for)</label>
        <input id="token-name" name="name" required maxLength={100} />{" "}
        <button type="submit">Create token</button>
      </Form>
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{when(t.createdAt)}</td>
              <td>{when(t.lastUsedAt)}</td>
              <td>{t.revokedAt ? `revoked ${when(t.revokedAt)}` : "active"}</td>
              <td>
                {t.revokedAt ? null : (
                  <Form method="post">
                    <CsrfInput />
                    <input type="hidden" name="intent" value="revoke" />
                    <input type="hidden" name="tokenId" value={t.id} />
                    <button type="submit" aria-label={`Revoke ${t.name}`}>
                      Revoke
                    </button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
