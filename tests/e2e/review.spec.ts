/**
 * What goes wrong, and corrections: a corrupt file, a wrong file type, a bad parameter and an
 * oversized file each get their error beside the field and store nothing; the same file for the
 * same patient lands on the session already stored; editing the RPE re-scores exactly as
 * docs/scoring.md says, on the page and in the downloads.
 */
import { expect, test } from "./support/auth";
import {
  GHOSTLY,
  corruptC3d,
  downloadText,
  expectClose,
  fixturePath,
  pipelineReference,
  startOwnServer,
  uniquePatientCode,
  visibleSessionCount,
  type OwnServer,
} from "./support/web";

const SESSION_URL = /\/sessions\/([0-9a-f-]{36})(\?.*)?$/;

for (const javaScriptEnabled of [true, false]) {
  test.describe(`bad uploads, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("corrupt file, wrong type and invalid parameter: error beside the field, nothing stored", async ({ page, signIn }) => {
      await signIn("therapist", "review");
      const before = await visibleSessionCount(page);
      const code = uniquePatientCode();

      await page.goto("/sessions/new");
      await page
        .getByLabel("C3D file")
        .setInputFiles({ name: "broken.c3d", mimeType: "application/octet-stream", buffer: corruptC3d(GHOSTLY.small) });
      await page.getByLabel("or a new patient code").fill(code);
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/sessions/new"),
        page.getByRole("button", { name: "Upload and analyse" }).click(),
      ]);
      expect(answer.status()).toBe(422);
      const fileError = page.locator("[data-field-error=file]");
      // The reader's own message: which rule, at which byte.
      await expect(fileError).toContainText('"broken.c3d" cannot be read as C3D');
      await expect(fileError).toContainText("at byte 1");
      expect(new URL(page.url()).pathname).toBe("/sessions/new");

      await page.goto("/sessions/new");
      await page
        .getByLabel("C3D file")
        .setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a recording") });
      await page.getByLabel("or a new patient code").fill(code);
      await page.getByRole("button", { name: "Upload and analyse" }).click();
      await expect(page.locator("[data-field-error=file]")).toHaveText('"notes.txt" is not a C3D file: the name must end in .c3d.');

      await page.goto("/sessions/new");
      await page.getByLabel("C3D file").setInputFiles(fixturePath(GHOSTLY.small));
      await page.getByLabel("or a new patient code").fill(code);
      await page.getByLabel("RPE after session").fill("11");
      await page.getByRole("button", { name: "Upload and analyse" }).click();
      await expect(page.locator("[data-field-error=rpe_post_session]")).toHaveText("must be between 0 and 10");
      await expect(page.getByLabel("RPE after session")).toHaveAttribute("aria-invalid", "true");

      expect(await visibleSessionCount(page), "no session was stored").toBe(before);
      const patientPage = await page.request.get(`/patients/${code}`);
      expect(patientPage.status(), "the new patient was not created either").toBe(404);
    });
  });
}

test.describe("a server with MAX_UPLOAD_MB=1", () => {
  const port = Number(process.env.E2E_PORT ?? 3300) + 11;
  let server: OwnServer;
  test.use({ baseURL: `http://localhost:${port}` });
  test.beforeAll(async () => {
    server = await startOwnServer({ port, env: { MAX_UPLOAD_MB: "1" } });
  });
  test.afterAll(async () => {
    await server?.dispose();
  });

  for (const javaScriptEnabled of [true, false]) {
    test(`a 1.2 MB file is refused with 413 and the limit on the form (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async ({
      browser,
    }) => {
      const context = await browser.newContext({ javaScriptEnabled, baseURL: server.url });
      const page = await context.newPage();
      const { signInAs } = await import("./support/auth");
      await signInAs(page, "therapist", { name: "limit" });
      const before = await visibleSessionCount(page);
      await page.goto("/sessions/new");
      await expect(page.getByText("at most 1 MB")).toBeVisible();
      await page.getByLabel("C3D file").setInputFiles(fixturePath(GHOSTLY.small));
      await page.getByLabel("or a new patient code").fill(uniquePatientCode());
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/sessions/new"),
        page.getByRole("button", { name: "Upload and analyse" }).click(),
      ]);
      expect(answer.status()).toBe(413);
      await expect(page.locator("[data-field-error=file]")).toHaveText("The file is 1.2 MB; the limit is 1 MB.");
      expect(await visibleSessionCount(page)).toBe(before);
      await context.close();
    });
  }
});

test("the same file for the same patient lands on the session already stored", async ({ page, signIn }) => {
  await signIn("therapist", "review");
  const code = uniquePatientCode();
  const upload = async (asNew: boolean) => {
    await page.goto("/sessions/new");
    await page.getByLabel("C3D file").setInputFiles(fixturePath(GHOSTLY.fifth));
    if (asNew) await page.getByLabel("or a new patient code").fill(code);
    else await page.getByLabel("Existing patient").selectOption(code);
    await page.getByRole("button", { name: "Upload and analyse" }).click();
    await page.waitForURL(SESSION_URL);
    return SESSION_URL.exec(page.url())![1];
  };
  const first = await upload(true);
  const before = await visibleSessionCount(page, code);
  const second = await upload(false);
  expect(second).toBe(first);
  await expect(page.getByTestId("duplicate-notice")).toBeVisible();
  expect(await visibleSessionCount(page, code)).toBe(before);
  expect(before).toBe(1);
});

test("editing the post-session RPE re-scores the session exactly as docs/scoring.md says", async ({ page, signIn }) => {
  const ref = pipelineReference(GHOSTLY.second);
  const C = ref.performance_scores.compliance_score as number;
  const S = ref.performance_scores.symmetry_score as number;
  // docs/scoring.md: P = Σ wᵢ·Sᵢ / Σ wᵢ over the non-null components (BFR unknown → gate 1). Default
  // weights compliance 0.50, symmetry 0.25, effort 0.25, game 0.00 (no game maximum → null).
  // RPE 7 maps to 80 ("3, 7 → 80"), so effort joins: (0.5·C + 0.25·S + 0.25·80) / 1.0.
  const withRpe7 = (0.5 * C + 0.25 * S + 0.25 * 80) / (0.5 + 0.25 + 0.25);
  // Without RPE its weight is redistributed: (0.5·C + 0.25·S) / 0.75 — the reference's own overall.
  const withoutRpe = (0.5 * C + 0.25 * S) / 0.75;
  expectClose(withoutRpe, ref.performance_scores.overall_score, "reference overall = redistributed formula");

  await signIn("therapist", "review");
  await page.goto("/sessions/new");
  await page.getByLabel("C3D file").setInputFiles(fixturePath(GHOSTLY.second));
  await page.getByLabel("or a new patient code").fill(uniquePatientCode());
  await page.getByRole("button", { name: "Upload and analyse" }).click();
  await page.waitForURL(SESSION_URL);
  expectClose(Number(await page.getByTestId("overall-score").getAttribute("data-value")), withoutRpe, "overall before");

  await page.getByLabel("RPE after session").fill("7");
  await page.getByRole("button", { name: "Save and re-score" }).click();
  await expect(page.getByTestId("updated-notice")).toBeVisible();
  await expect(page.getByTestId("effort-score")).toHaveText("80.0");
  const overall = Number(await page.getByTestId("overall-score").getAttribute("data-value"));
  expectClose(overall, withRpe7, "overall after RPE 7");
  await expect(page.getByTestId("overall-score")).toHaveText(withRpe7.toFixed(1));
  // Compliance and symmetry come from the stored contractions: unchanged.
  expectClose(Number(await page.getByTestId("compliance-score").getAttribute("data-value")), C, "compliance unchanged");
  expectClose(Number(await page.getByTestId("symmetry-score").getAttribute("data-value")), S, "symmetry unchanged");

  const json = JSON.parse((await downloadText(page, () => page.getByTestId("download-json").click())).text);
  expectClose(json.performance_scores.overall_score, withRpe7, "JSON overall");
  expect(json.performance_scores.rpe_post_session).toBe(7);
  expect(json.data_completeness).toMatchObject({ has_rpe: true, rpe_source: "therapist_edit" });
  const csv = (await downloadText(page, () => page.getByTestId("download-csv").click())).text;
  const [header, row] = csv
    .trim()
    .split("\n")
    .map((l) => l.split(","));
  expectClose(Number(row[header.indexOf("performance_overall_score")]), withRpe7, "CSV overall");

  // Clearing the RPE redistributes its weight again.
  await page.getByLabel("RPE after session").fill("");
  await page.getByRole("button", { name: "Save and re-score" }).click();
  await expect(page.getByTestId("effort-score")).toHaveText("—");
  expectClose(Number(await page.getByTestId("overall-score").getAttribute("data-value")), withoutRpe, "overall after clearing");
});

test("a patient's page plots their sessions over time and downloads them as one CSV", async ({ page, signIn }) => {
  await signIn("therapist", "patient");
  const code = uniquePatientCode();
  for (const [i, file] of [GHOSTLY.small, GHOSTLY.fourth].entries()) {
    await page.goto("/sessions/new");
    await page.getByLabel("C3D file").setInputFiles(fixturePath(file));
    if (i === 0) await page.getByLabel("or a new patient code").fill(code);
    else await page.getByLabel("Existing patient").selectOption(code);
    await page.getByRole("button", { name: "Upload and analyse" }).click();
    await page.waitForURL(SESSION_URL);
  }
  await page.goto(`/sessions?patient=${code}`);
  await expect(page.getByRole("status").filter({ hasText: "newest first" })).toHaveText("2 sessions, newest first. Page 1 of 1.");
  // Newest first: the 2023-10-04 recording before the 2023-03-21 one.
  await expect(page.locator("[data-testid=sessions-table] tbody tr td:nth-child(4)")).toHaveText([GHOSTLY.fourth, GHOSTLY.small]);

  await page.getByRole("link", { name: code }).first().click();
  await expect(page).toHaveURL(new RegExp(`/patients/${code}$`));
  await expect(page.getByTestId("session-count")).toHaveText("2");
  for (const series of ["overall", "compliance", "symmetry"]) {
    await expect(page.locator(`[data-series=${series}] circle`)).toHaveCount(2);
  }
  const overall = [pipelineReference(GHOSTLY.fourth), pipelineReference(GHOSTLY.small)].map((r) =>
    (r.performance_scores.overall_score as number).toFixed(1),
  );
  await expect(page.locator("[data-testid=patient-sessions] tbody tr td:nth-child(3)")).toHaveText(overall);
  const csv = (await downloadText(page, () => page.getByTestId("batch-csv").click())).text;
  const lines = csv.trim().split("\n");
  expect(lines, "header + one row per session").toHaveLength(3);
});
