/**
 * Issue 11's defects, each against the built app in a real browser or over HTTP: sessions end on
 * the server (a copied cookie dies at sign-out; "sign out everywhere"), changing the password
 * without JavaScript keeps this browser signed in, a refused upload stores no file, and odd input
 * (year 0000, 30 February, an over-long patient code, an upper-case session id, a JSON body, a file
 * name with ; and =) is a 4xx naming the field or simply works.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { e2eAccount, ensureAccount, expect, signInWith, test } from "./support/auth";
import { distinctC3d, GHOSTLY, uniquePatientCode } from "./support/web";

const uploadsDir = () => path.join(process.env.E2E_DATA_DIR!, "uploads");
const storedFiles = () =>
  readdirSync(uploadsDir(), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".c3d"))
    .sort();

async function uploadAs(request: APIRequestContext, fields: Record<string, string>, file: { name: string; buffer: Buffer }) {
  const html = await (await request.get("/sessions/new")).text();
  const csrf = /<input[^>]*name="csrf"[^>]*value="([^"]+)"/.exec(html)?.[1] ?? "";
  return request.post("/sessions/new", {
    multipart: { csrf, ...fields, file: { name: file.name, mimeType: "application/octet-stream", buffer: file.buffer } },
    maxRedirects: 0,
  });
}

test("a cookie copied before sign-out no longer works after it; sign out everywhere ends every session", async ({
  page,
  signIn,
  baseURL,
}) => {
  const account = await signIn("therapist", "revoke");
  const cookies = await page.context().cookies();
  const copy = await playwrightRequest.newContext({ baseURL, storageState: { cookies, origins: [] } });
  expect((await copy.get("/sessions", { maxRedirects: 0 })).status()).toBe(200);

  await page.goto("/sessions");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  const after = await copy.get("/sessions", { maxRedirects: 0 });
  expect(after.status()).toBe(302);
  expect(after.headers().location).toMatch(/^\/login/);
  expect((await copy.get("/api/export/sessions?format=csv")).status()).toBe(401);

  // Two browsers signed in; "Sign out everywhere" on /account in one ends both.
  const other = await playwrightRequest.newContext({ baseURL });
  await signInWith(other, account);
  await signInWith(page.request, account);
  await page.goto("/account");
  await expect(page.getByTestId("session-count")).toContainText("2 browsers");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/login$/);
  expect((await other.get("/sessions", { maxRedirects: 0 })).status()).toBe(302);
  await Promise.all([copy.dispose(), other.dispose()]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("changing the password keeps this browser signed in and signs the others out", async ({ page, baseURL }) => {
    const account = { ...e2eAccount("researcher", `pw${Date.now()}`) };
    await ensureAccount(page.request, account);
    const elsewhere = await playwrightRequest.newContext({ baseURL });
    await signInWith(elsewhere, account);
    await signInWith(page.request, account);
    await page.goto("/account");
    await page.getByLabel("Current password").fill(account.password);
    await page.getByLabel(/^New password/).fill("a-new-password-for-e2e");
    await page.getByLabel("Repeat the new password").fill("a-new-password-for-e2e");
    await page.getByRole("button", { name: "Change password" }).click();
    // The page promises this session carries on: it does.
    await expect(page).toHaveURL(/\/account\?password=changed$/);
    await expect(page.getByRole("status")).toContainText("Password changed");
    await page.goto("/sessions");
    await expect(page).toHaveURL(/\/sessions$/);
    expect((await elsewhere.get("/sessions", { maxRedirects: 0 })).status()).toBe(302);
    await elsewhere.dispose();
  });
});

test("an upload for another therapist's patient is refused like a missing patient and stores no file", async ({ baseURL }) => {
  const a = await playwrightRequest.newContext({ baseURL });
  const b = await playwrightRequest.newContext({ baseURL });
  await ensureAccount(a, e2eAccount("therapist", "owner"));
  await ensureAccount(b, e2eAccount("therapist", "intruder"));
  await signInWith(a, e2eAccount("therapist", "owner"));
  await signInWith(b, e2eAccount("therapist", "intruder"));
  const patient = uniquePatientCode();
  const stored = await uploadAs(a, { new_patient_code: patient }, { name: GHOSTLY.small, buffer: distinctC3d(GHOSTLY.small, 401) });
  expect(stored.status()).toBe(302);

  const before = storedFiles();
  const foreign = await uploadAs(b, { patient_code: patient }, { name: "x.c3d", buffer: distinctC3d(GHOSTLY.small, 402) });
  const missing = await uploadAs(b, { patient_code: "P100000001" }, { name: "x.c3d", buffer: distinctC3d(GHOSTLY.small, 402) });
  expect(foreign.status()).toBe(404);
  expect(missing.status()).toBe(404);
  const message = (html: string, code: string) =>
    /role="alert"[^>]*>([^<]*is not one of your patients[^<]*)</.exec(html)?.[1]?.replace(code, "<code>");
  expect(message(await foreign.text(), patient)).toBeTruthy();
  expect(message(await foreign.text(), patient)).toBe(message(await missing.text(), "P100000001"));
  expect(storedFiles()).toEqual(before);
  await Promise.all([a.dispose(), b.dispose()]);
});

test("odd input is a 4xx naming the field, or simply works", async ({ page, signIn }) => {
  await signIn("therapist", "odd");
  for (const [query, field, text] of [
    ["from=0000-01-01", "from", "&quot;0000-01-01&quot; is not a date (YYYY-MM-DD)."],
    ["to=2024-02-30", "to", "&quot;2024-02-30&quot; is not a date (YYYY-MM-DD)."],
    [`patient=P${"1".repeat(300)}`, "patient", "is not a patient code (P followed by three to nine digits"],
  ] as const) {
    const res = await page.request.get(`/sessions?${query}`);
    expect(res.status(), query).toBe(400);
    const html = await res.text();
    const message = new RegExp(`data-field-error="${field}"[^>]*>([^<]*)<`).exec(html)?.[1];
    expect(message, query).toContain(text);
  }
  for (const query of ["from=0000-01-01", "to=2024-02-30"]) {
    const res = await page.request.get(`/api/export/sessions?${query}`);
    expect(res.status(), query).toBe(400);
    expect((await res.json()).field).toBe(query.split("=")[0]);
  }
  // A valid RFC 7578 file name with ; and = uploads; the upper-case spelling of its id opens it.
  const name = "take 2; left=weak.c3d";
  const stored = await uploadAs(page.request, { new_patient_code: uniquePatientCode() }, { name, buffer: distinctC3d(GHOSTLY.small, 403) });
  expect(stored.status()).toBe(302);
  const id = /\/sessions\/([0-9a-f-]{36})/.exec(stored.headers().location ?? "")?.[1];
  expect(id).toBeTruthy();
  await page.goto(`/sessions/${id!.toUpperCase()}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Session");
  const exp = await (await page.request.get(`/api/export/session/${id!.toUpperCase()}?format=json`)).json();
  expect(exp.session.source_filename).toBe(name);
  // A JSON body to a form action: 415, not a 500.
  const json = await page.request.post("/account/tokens", { data: { intent: "create" }, headers: { "Content-Type": "application/json" } });
  expect(json.status()).toBe(415);
});
