/** The built app starts on an empty embedded database, serves its pages and reports healthy. */
import { expect, test } from "@playwright/test";

test("the home page renders and hydrates without errors", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const response = await page.goto("/");
  expect(response?.status()).toBeLessThan(400);
  // Whatever page the first visit lands on (home, sign-in or first-admin setup), it is the app's layout.
  await expect(page).toHaveTitle(/GHOSTLY\+ EMG/);
  await expect(page.getByRole("link", { name: /GHOSTLY\+ EMG/ }).first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(errors).toEqual([]);
});

test("/healthz reports the embedded database with every migration applied", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("no-store");
  const body = await response.json();
  expect(body).toMatchObject({ status: "ok", database: "pglite", migrations: { pending: 0 } });
  expect(body.migrations.applied).toBeGreaterThanOrEqual(3);
});

test("an unknown page answers 404 with the app's error page", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});
