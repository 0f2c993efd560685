import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/components/csrf";
import { formText } from "~/lib/form";
import { requireCsrf, requireUser } from "~/lib/server/auth/permissions.server";
import { DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, scopesForRole, TOKEN_SCOPE_DESCRIPTIONS, type TokenScope } from "~/lib/policy";
import { createApiToken, listApiTokens, revokeApiToken, TokenInputError } from "~/lib/server/auth/api-tokens.server";
import { requireForm } from "~/lib/server/http/form.server";

export const meta: MetaFunction = () => [{ title: "API tokens — GHOSTLY+ EMG" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireUser(request);
  const tokens = await listApiTokens(caller);
  return {
    scopes: scopesForRole(caller),
    tokens: tokens.map((t) => ({
      id: t.id,
      name: t.name,
      scopes: t.scopes,
      createdAt: t.createdAt.toISOString(),
      expiresAt: t.expiresAt.toISOString(),
      expired: t.expiresAt <= new Date(),
      lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
      revokedAt: t.revokedAt?.toISOString() ?? null,
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const caller = await requireUser(request);
  const formData = await requireForm(request);
  await requireCsrf(request, formData);
  const intent = formData.get("intent");
  if (intent === "create") {
    const daysField = formText(formData, "days").trim();
    try {
      const { token, record } = await createApiToken(caller, formText(formData, "name"), {
        scopes: formData.getAll("scopes").filter((v): v is string => typeof v === "string"),
        days: daysField === "" ? undefined : Number(daysField),
      });
      // Shown once; the response must not be cached anywhere.
      return data({ intent, token, name: record.name, error: null }, { headers: { "Cache-Control": "no-store" } });
    } catch (error) {
      if (error instanceof TokenInputError) return data({ intent, token: null, name: null, error: error.message }, { status: 422 });
      throw error;
    }
  }
  if (intent === "revoke") {
    const revoked = await revokeApiToken(caller, formText(formData, "tokenId"));
    if (!revoked) return data({ intent, token: null, name: null, error: "No such active token." }, { status: 404 });
    return { intent, token: null, name: null, error: null };
  }
  return data({ intent: null, token: null, name: null, error: "Unknown action." }, { status: 400 });
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

function status(t: { revokedAt: string | null; expired: boolean }): string {
  if (t.revokedAt) return `revoked ${when(t.revokedAt)}`;
  return t.expired ? "expired" : "active";
}

export default function AccountTokens() {
  const { tokens, scopes } = useLoaderData<typeof loader>();
  const result = useActionData<{ intent: string | null; token: string | null; name: string | null; error: string | null }>();
  return (
    <div>
      <h2>API tokens</h2>
      <p>
        Scripts send a token as <code>Authorization: Bearer &lt;token&gt;</code> to the <code>/api/…</code> routes. A token does only what
        its scopes allow, and only what your account may do; it stops working when it expires.
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
        <input id="token-name" name="name" required maxLength={100} />
        <fieldset>
          <legend>Scopes</legend>
          {scopes.map((scope: TokenScope) => (
            <label key={scope}>
              <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === "export"} /> <code>{scope}</code>:{" "}
              {TOKEN_SCOPE_DESCRIPTIONS[scope]}
            </label>
          ))}
        </fieldset>
        <label htmlFor="token-days">Expires after (days, at most {MAX_TOKEN_DAYS})</label>
        <input id="token-days" name="days" type="number" min={1} max={MAX_TOKEN_DAYS} step={1} defaultValue={DEFAULT_TOKEN_DAYS} />{" "}
        <button type="submit">Create token</button>
      </Form>
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Scopes</th>
            <th>Created</th>
            <th>Expires</th>
            <th>Last used</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{t.scopes.join(", ")}</td>
              <td>{when(t.createdAt)}</td>
              <td>{when(t.expiresAt)}</td>
              <td>{when(t.lastUsedAt)}</td>
              <td>{status(t)}</td>
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
