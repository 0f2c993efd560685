import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import styles from "~/styles/app.css";
import { CsrfInput } from "~/components/csrf";
import { useNonce } from "~/components/nonce";
import { can } from "~/lib/policy";
import { layoutAuth, type LayoutUser } from "~/lib/server/auth/permissions.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: "GHOSTLY+ EMG" }];

/** Signed-in user for the header, CSRF token for <CsrfInput/>; anonymous pages redirect to /login. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, csrf, headers } = await layoutAuth(request);
  return data({ user, csrf }, { headers });
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const root = useRouteLoaderData<{ user: LayoutUser | null }>("root");
  const user = root?.user ?? null;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link to="/" className="brand">
            GHOSTLY+ EMG
          </Link>
          <nav aria-label="Main">
            <NavLink to="/sessions" end>
              Sessions
            </NavLink>
            {/* Before sign-in the header shows what a therapist would see. */}
            {can(user?.role ?? "therapist", "upload") ? <NavLink to="/sessions/new">Upload</NavLink> : null}
            <NavLink to="/analyze">Quick analysis</NavLink>
            {can(user, "batch") ? <NavLink to="/exports">Exports</NavLink> : null}
            {can(user, "admin") ? <NavLink to="/admin/users">Admin</NavLink> : null}
          </nav>
          {user ? (
            <div className="account-menu">
              <NavLink to="/account">{user.displayName || user.email}</NavLink>
              <Form method="post" action="/logout">
                <CsrfInput />
                <button type="submit">Sign out</button>
              </Form>
            </div>
          ) : null}
        </header>
        <main id="main">{children}</main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  let title = "Something went wrong";
  let message = "The page could not be shown. Try again, or go back to the sessions list.";
  if (isRouteErrorResponse(error)) {
    title = error.status === 404 ? "Not found" : `Error ${error.status}`;
    message =
      error.status === 404
        ? "There is nothing at this address, or you do not have access to it."
        : typeof error.data === "string" && error.data
          ? error.data
          : error.statusText || message;
  }
  return (
    <section className="error-page" role="alert">
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <Link to="/">Back to the start page</Link>
      </p>
    </section>
  );
}
