/**
 * Accounts in a real browser against the built app: first-run setup, sign-out, sign-in, the
 * generic failure message, CSRF-protected forms working with JavaScript, the CSP not blocking
 * Remix's own scripts, roles, and API tokens.
 */
import { request as playwrightRequest } from "@playwright/test";
import { E2E_ADMIN, expect, signInAs, test } from "./support/auth";

/** Collects console errors and page errors: hydration must work under our Content-Security-Policy. */
function watchConsole(page: import("@playwright/test").Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    // Any script error counts (CSP refusals, hydration mismatches); a missing favicon does not.
    if (message.type() === "error" && !/Failed to load resource/.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));
  return problems;
}

test("first run: set up the admin, sign out, sign in again", async ({ page }) => {
  const problems = watchConsole(page);
  const response = await page.goto("/sessions");
  expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(response?.headers()["x-content-type-options"]).toBe("nosniff");

  if (new URL(page.url()).pathname === "/setup") {
    await expect(page.getByRole("heading", { name: "Create the first administrator" })).toBeVisible();
    await page.getByLabel("Name").fill(E2E_ADMIN.displayName);
    await page.getByLabel("Email").fill(E2E_ADMIN.email);
    await page.getByLabel(/^Password/).fill(E2E_ADMIN.password);
    await page.getByLabel("Repeat the password").fill(E2E_ADMIN.password);
    await page.getByRole("button", { name: "Create administrator" }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  } else {
    // Another spec of this run created the admin first (support/auth.ts uses the same account).
    await expect(page).toHaveURL(/\/login/);
    test.info().annotations.push({ type: "note", description: "admin already set up by another spec" });
  }
  expect((await page.request.get("/setup")).status()).toBe(404);

  await page.goto("/login");
  if (new URL(page.url()).pathname === "/login") {
    await page.getByLabel("Email").fill(E2E_ADMIN.email);
    await page.getByLabel("Password").fill(E2E_ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).not.toHaveURL(/\/login/);
  }
  await expect(page.getByRole("link", { name: E2E_ADMIN.displayName })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fadmin%2Fusers$/);

  await page.getByLabel("Email").fill(E2E_ADMIN.email.toUpperCase());
  await page.getByLabel("Password").fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  expect(problems).toEqual([]);
});

test("a wrong password shows the one generic message", async ({ page, signIn }) => {
  await signIn("therapist", "wrongpw");
  await page.request.post("/logout", { form: { csrf: "" } }).catch(() => undefined);
  await page.context().clearCookies();
  await page.goto("/login");
  await page.getByLabel("Email").fill("therapist-wrongpw@e2e.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Email or password is incorrect.");
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel("Email").fill("nobody-at-all@e2e.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Email or password is incorrect.");
});

test("roles: a researcher cannot open the user administration", async ({ page, signIn }) => {
  const researcher = await signIn("researcher");
  await page.goto("/sessions");
  await expect(page.getByRole("link", { name: researcher.displayName })).toBeVisible();
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(403);
});

test("API token: shown once, works as Bearer without a cookie, revoked → 401", async ({ page, signIn, baseURL }) => {
  const problems = watchConsole(page);
  await signIn("researcher", "tokens");
  await page.goto("/account/tokens");
  await page.getByLabel("Name (what the token is for)").fill("pandas notebook");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByTestId("new-token").inputValue();
  expect(token).toMatch(/^ghostly_pat_[A-Za-z0-9_-]{43}$/);

  const api = await playwrightRequest.newContext({ baseURL });
  try {
    const ok = await api.get("/api/export/sessions?format=csv", { headers: { Authorization: `Bearer ${token}` } });
    expect(ok.status()).toBe(200);
    expect((await api.get("/api/export/sessions?format=csv")).status()).toBe(401);

    await page.reload();
    await expect(page.getByTestId("new-token")).toHaveCount(0);
    await expect(page.getByRole("cell", { name: "pandas notebook", exact: true })).toBeVisible();
    await page.getByRole("button", { name: "Revoke pandas notebook" }).click();
    await expect(page.getByRole("cell", { name: /^revoked/ })).toBeVisible();

    const revoked = await api.get("/api/export/sessions?format=csv", { headers: { Authorization: `Bearer ${token}` } });
    expect(revoked.status()).toBe(401);
  } finally {
    await api.dispose();
  }
  expect(problems).toEqual([]);
});

test("signInAs gives distinct therapists", async ({ page }) => {
  const a = await signInAs(page, "therapist", { name: "a" });
  await page.goto("/account");
  await expect(page.getByText(a.email)).toBeVisible();
  const b = await signInAs(page, "therapist", { name: "b" });
  await page.goto("/account");
  await expect(page.getByText(b.email)).toBeVisible();
  expect(a.email).not.toBe(b.email);
});
