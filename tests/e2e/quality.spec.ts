/**
 * Recording quality on the pages (docs/quality.md): a session to review shows a banner at the top of
 * its review page saying what to check (0881: clipping on CH1), with the technical code, value and
 * limit in a <details>; the sessions list shows its quality badge and filters by status.
 */
import { expect, test } from "./support/auth";
import { GHOSTLY, fixturePath, uniquePatientCode } from "./support/web";

const SESSION_URL = /\/sessions\/([0-9a-f-]{36})(\?.*)?$/;

test("review banner on a clipped recording, badge and quality filter on the list", async ({ page, signIn }) => {
  await signIn("therapist", "quality");
  const patient = uniquePatientCode();
  await page.goto("/sessions/new");
  await page.getByLabel("C3D file").setInputFiles(fixturePath(GHOSTLY.large));
  await page.getByLabel("or a new patient code").fill(patient);
  await page.getByRole("button", { name: "Upload and analyse" }).click();
  await page.waitForURL(SESSION_URL);

  const banner = page.getByTestId("quality-banner");
  await expect(banner).toBeVisible();
  await expect(banner.getByRole("heading")).toHaveText("Check this recording before trusting its scores");
  // The clipping line names CH1 and shows its share with its unit.
  const clipping = banner.locator("li[data-code=clipping]");
  await expect(clipping).toContainText("CH1");
  await expect(clipping).toContainText("%");
  // Technical detail only when opened.
  const code = banner.locator("details code", { hasText: "clipping" });
  await expect(code).toBeHidden();
  await banner.locator("details summary").click();
  await expect(code).toBeVisible();

  await page.goto(`/sessions?patient=${patient}`);
  const row = page.getByTestId("sessions-table").locator("tbody tr");
  await expect(row).toHaveCount(1);
  await expect(row.locator("[data-quality]")).toHaveAttribute("data-quality", "review");
  await expect(row.locator("[data-quality]")).toHaveText("Review");

  await page.goto(`/sessions?patient=${patient}&quality=good`);
  await expect(page.getByRole("status")).toHaveText("No sessions match.");
  await page.goto(`/sessions?patient=${patient}&quality=review`);
  await expect(page.getByTestId("sessions-table").locator("tbody tr")).toHaveCount(1);

  const bad = await page.goto(`/sessions?quality=excellent`);
  expect(bad?.status()).toBe(400);
  await expect(page.locator("[data-field-error=quality]")).toContainText('"excellent" is not a quality status');
});
