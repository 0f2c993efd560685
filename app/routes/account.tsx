import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/lib/server/auth/permissions.server";

export const meta: MetaFunction = () => [{ title: "Your account — GHOSTLY+ EMG" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireUser(request);
  return { displayName: user.displayName, email: user.email, role: user.role };
}

export default function Account() {
  const user = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>Your account</h1>
      <p>
        {user.displayName} · {user.email} · {user.role}
      </p>
      <nav aria-label="Account" className="sub-nav">
        <NavLink to="/account" end>
          Password
        </NavLink>{" "}
        · <NavLink to="/account/tokens">API tokens</NavLink>
      </nav>
      <Outlet />
    </section>
  );
}
