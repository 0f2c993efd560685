import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listExportHistory } from "~/lib/server/repositories/export-history.server";
import { requireAdmin } from "~/lib/server/auth/permissions.server";

export const meta: MetaFunction = () => [{ title: "Export history — GHOSTLY+ EMG" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireAdmin(request);
  const entries = await listExportHistory(caller);
  return { entries: entries.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })) };
}

export default function AdminExports() {
  const { entries } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>Export history</h1>
      <p>
        <Link to="/admin/users">Users</Link> · <Link to="/admin/scoring">Scoring configuration</Link>
      </p>
      {entries.length === 0 ? (
        <p>Nothing has been exported yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Via</th>
              <th>Kind</th>
              <th>Format</th>
              <th className="num">Sessions</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.createdAt).toLocaleString()}</td>
                <td>{e.userDisplayName ? `${e.userDisplayName} (${e.userEmail})` : e.userEmail}</td>
                <td>{e.tokenId ? `token “${e.tokenName ?? "?"}”` : "browser"}</td>
                <td>{e.kind}</td>
                <td>{e.format}</td>
                <td className="num" title={e.sessionIds.join(", ")}>
                  {e.sessionIds.length}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
