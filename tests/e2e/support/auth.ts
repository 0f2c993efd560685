/**
 * Signing in from Playwright specs.
 *
 *   import { test, expect } from "./support/auth";          // `signIn` fixture
 *   test("…", async ({ page, signIn }) => {
 *     const therapist = await signIn("therapist");            // creates the account if needed
 *     await page.goto("/sessions");
 *   });
 *
 * or without the fixture: `await signInAs(page, "researcher", { name: "r2" })`.
 *
 * The first admin is created through /setup (the server's database is empty on first use); every
 * other account through /admin/users, signed in as that admin. Accounts are deterministic per
 * (role, name) — `therapist-a@e2e.test` — so specs running in parallel workers against one server
 * reuse them instead of racing. Requests go through `page.request`, which shares the page's
 * cookies: after the call, the page is signed in.
 */
import { expect, test as base, type APIRequestContext, type Page } from "@playwright/test";

export type E2eRole = "therapist" | "researcher" | "admin";

export interface E2eAccount {
  email: string;
  password: string;
  role: E2eRole;
  displayName: string;
}

export const E2E_ADMIN: E2eAccount = {
  email: "admin@e2e.test",
  password: "e2e-admin-password-1",
  role: "admin",
  displayName: "E2E Admin",
};

export const E2E_PASSWORD = "e2e-user-password-1";

/** The account signInAs uses for a role and optional name (e.g. therapist "a" and "b"). */
export function e2eAccount(role: E2eRole, name = ""): E2eAccount {
  if (role === "admin" && !name) return E2E_ADMIN;
  const local = name ? `${role}-${name}` : role;
  return { email: `${local}@e2e.test`, password: E2E_PASSWORD, role, displayName: `E2E ${local}` };
}

const CSRF_INPUT = /<input[^>]*name="csrf"[^>]*value="([^"]*)"/;

/** GETs a page and returns the CSRF token its forms carry (the cookie lands in the context). */
async function csrfFrom(request: APIRequestContext, path: string): Promise<{ status: number; csrf: string | null; url: string }> {
  const response = await request.get(path);
  const html = await response.text();
  return { status: response.status(), csrf: CSRF_INPUT.exec(html)?.[1] ?? null, url: response.url() };
}

async function postForm(request: APIRequestContext, path: string, form: Record<string, string>) {
  return request.post(path, { form });
}

/** Creates the first admin while the database has no account; no-op afterwards (/setup is then 404). */
export async function ensureAdmin(request: APIRequestContext): Promise<E2eAccount> {
  const setup = await csrfFrom(request, "/setup");
  if (setup.status === 200 && setup.csrf && new URL(setup.url).pathname === "/setup") {
    await postForm(request, "/setup", {
      csrf: setup.csrf,
      displayName: E2E_ADMIN.displayName,
      email: E2E_ADMIN.email,
      password: E2E_ADMIN.password,
      passwordConfirm: E2E_ADMIN.password,
    });
    // A parallel worker may have won the race: either way the admin below now exists.
  }
  return E2E_ADMIN;
}

/** Signs the context in with email + password through the /login form. */
export async function signInWith(request: APIRequestContext, account: Pick<E2eAccount, "email" | "password">): Promise<void> {
  await request.post("/logout", { form: { csrf: (await csrfFrom(request, "/login")).csrf ?? "" }, maxRedirects: 0 }).catch(() => undefined);
  const login = await csrfFrom(request, "/login");
  expect(login.csrf, "the /login page renders a CSRF field").toBeTruthy();
  const response = await postForm(request, "/login", { csrf: login.csrf!, email: account.email, password: account.password });
  expect(new URL(response.url()).pathname, `sign-in as ${account.email} should leave /login`).not.toBe("/login");
}

/** Creates the account (as the admin) when it does not exist yet. Leaves the context signed in as admin. */
export async function ensureAccount(request: APIRequestContext, account: E2eAccount): Promise<void> {
  const admin = await ensureAdmin(request);
  if (account.email === admin.email) return;
  await signInWith(request, admin);
  const page = await csrfFrom(request, "/admin/users");
  expect(page.csrf, "/admin/users renders a CSRF field for the admin").toBeTruthy();
  const response = await postForm(request, "/admin/users", {
    csrf: page.csrf!,
    intent: "create",
    displayName: account.displayName,
    email: account.email,
    role: account.role,
    password: account.password,
  });
  const status = response.status();
  const body = await response.text();
  // 422 "already exists" means another spec created it first: fine.
  if (status !== 200 && !body.includes("already exists")) {
    throw new Error(`creating ${account.email} failed: HTTP ${status}`);
  }
}

/** Ensures the account exists and signs the page in as it. */
export async function signInAs(page: Page, role: E2eRole, options: { name?: string } = {}): Promise<E2eAccount> {
  const account = e2eAccount(role, options.name);
  await ensureAccount(page.request, account);
  await signInWith(page.request, account);
  return account;
}

/** Playwright fixture: `signIn(role, name?)` signs the test's page in. */
export const test = base.extend<{ signIn: (role: E2eRole, name?: string) => Promise<E2eAccount> }>({
  signIn: async ({ page }, use) => {
    await use((role, name) => signInAs(page, role, { name }));
  },
});

export { expect };
