/** What the root loader gives a browser, without the database: the CSRF token, and the cookie when it is new. */
import { commitSession, getSession } from "~/lib/server/auth/cookie-session.server";
import { ensureCsrfToken } from "~/lib/server/auth/csrf.server";

export async function csrfTokenFor(request: Request): Promise<{ token: string; headers: HeadersInit }> {
  const session = await getSession(request);
  const { token, created } = ensureCsrfToken(session);
  return { token, headers: created ? { "Set-Cookie": await commitSession(request, session) } : {} };
}
