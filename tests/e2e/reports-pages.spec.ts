/**
 * Issue 15's pages on the built server: the review page's report link and print layout, the
 * comparison of two sessions against their JSON exports, the patient trend's links, and the cohort
 * export page's row count against the batch CSV it downloads.
 */
import Papa from "papaparse";
import type { Page } from "@playwright/test";
import { expect, test } from "./support/auth";
import { GHOSTLY, downloadText, fixturePath, uniquePatientCode } from "./support/web";

/** A4 at 96 px per inch: 210 mm. */
const A4_WIDTH_PX = 794;

async function upload(page: Page, file: string, patient: string): Promise<string> {
  await page.goto("/sessions/new");
  await page.getByLabel("C3D file").setInputFiles(fixturePath(file));
  await page.getByLabel("or a new patient code").fill(patient);
  await page.getByRole("button", { name: "Upload and analyse" }).click();
  await page.waitForURL(/\/sessions\/[0-9a-f-]{36}(\?.*)?$/);
  return new URL(page.url()).pathname.split("/").pop()!;
}

test.describe.configure({ mode: "serial" });

let patient: string;
let first: string;
let second: string;

test("setup: two sessions of one patient", async ({ page, signIn }) => {
  test.setTimeout(120_000);
  await signIn("therapist", "reports");
  patient = uniquePatientCode();
  first = await upload(page, GHOSTLY.small, patient);
  second = await upload(page, GHOSTLY.second, patient);
  expect(first).not.toBe(second);
});

test("review page: Report (PDF) link, and printed without navigation, forms or buttons within A4 width", async ({ page, signIn }) => {
  await signIn("therapist", "reports");
  await page.setViewportSize({ width: A4_WIDTH_PX, height: 1123 });
  await page.goto(`/sessions/${second}`);
  await expect(page.getByTestId("download-pdf")).toHaveAttribute("href", `/api/export/session/${second}?format=pdf`);
  await expect(page.locator("[data-testid^=plot-][data-ready=true]").first()).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();

  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  const visible = await page.evaluate(() =>
    [...document.querySelectorAll("nav, form, button, .button, input, select")]
      .filter((el) => (el as HTMLElement).offsetParent !== null || el.getClientRects().length > 0)
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  expect(visible, "nothing interactive is printed").toEqual([]);
  await expect(page.getByTestId("overall-score")).toBeVisible();
  await expect(page.getByTestId("leg-breakdown")).toBeVisible();
  const overflow = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(overflow.scroll, "no horizontal overflow at A4 width").toBeLessThanOrEqual(overflow.client);
  const breaks = await page.evaluate(() => [...document.querySelectorAll(".channel-block")].map((el) => getComputedStyle(el).breakBefore));
  expect(breaks.length).toBeGreaterThanOrEqual(2);
  expect(
    breaks.slice(1).every((b) => b === "page"),
    "each further channel starts a new page",
  ).toBe(true);
});

test("compare page: every value equals the two JSON exports' value, the difference is B − A", async ({ page, signIn }) => {
  await signIn("therapist", "reports");
  await page.goto(`/patients/${patient}`);
  const link = page.getByTestId("compare-latest");
  // Newest first on the page: the latest session is B.
  const sessions = await page
    .locator("[data-testid=patient-sessions] tbody a")
    .evaluateAll((as) => as.map((a) => a.getAttribute("href")!.split("/").pop()!));
  expect(sessions.sort()).toEqual([first, second].sort());
  const href = await link.getAttribute("href");
  const params = new URL(href!, "http://x").searchParams;
  const [a, b] = [params.get("a")!, params.get("b")!];
  expect([a, b].sort()).toEqual([first, second].sort());
  await link.click();
  await page.waitForURL(/\/compare\?/);

  const [expA, expB] = await Promise.all(
    [a, b].map(async (id) => (await page.request.get(`/api/export/session/${id}?format=json`)).json() as Promise<Record<string, any>>),
  );
  const valueAt = (exp: Record<string, any>, key: string): number | null => {
    const [head, field] = key.split(".");
    if (head === "performance_scores") return exp.performance_scores[field];
    if (head.endsWith("_muscle")) return exp.compliance_breakdown[head][field];
    const channel = exp.compliance_breakdown[`${head}_muscle`].channel;
    return exp.channels[channel][field];
  };
  const rows = await page.locator("[data-testid=comparison] tr[data-key]").evaluateAll((trs) =>
    trs.map((tr) => ({
      key: tr.getAttribute("data-key")!,
      a: tr.querySelector("[data-cell=a]")!.getAttribute("data-value")!,
      b: tr.querySelector("[data-cell=b]")!.getAttribute("data-value")!,
      difference: tr.querySelector("[data-cell=difference]")!.getAttribute("data-value")!,
    })),
  );
  // 5 scores, 6 measures × 2 legs, MVC × 2 legs, MPF/MDF/fatigue index × 2 legs.
  expect(rows.length).toBe(5 + 12 + 2 + 6);
  for (const key of [
    "performance_scores.overall_score",
    "left_muscle.completion_rate",
    "right_muscle.contraction_count",
    "left.mvc_value",
    "right.mpf",
    "left.fatigue_index_fi_nsm5",
  ]) {
    expect(rows.map((r) => r.key)).toContain(key);
  }
  const cell = (v: number | null) => (v === null ? "" : String(v));
  for (const row of rows) {
    const va = valueAt(expA, row.key);
    const vb = valueAt(expB, row.key);
    expect(row.a, `${row.key} A`).toBe(cell(va));
    expect(row.b, `${row.key} B`).toBe(cell(vb));
    expect(row.difference, `${row.key} B − A`).toBe(cell(va === null || vb === null ? null : vb - va));
  }
  // The two sessions differ: the comparison is not of a session with itself.
  expect(rows.some((r) => r.difference !== "" && Number(r.difference) !== 0)).toBe(true);
});

test("patient trend: every point links to its session, the toggle shows MPF, MDF, fatigue index and MVC", async ({ page, signIn }) => {
  await signIn("therapist", "reports");
  await page.goto(`/patients/${patient}`);
  const points = page.getByTestId("trend-point");
  // Three score series × two sessions.
  await expect(points).toHaveCount(6);
  const targets = await points.evaluateAll((els) => els.map((el) => el.getAttribute("href")));
  expect(new Set(targets)).toEqual(new Set([`/sessions/${first}`, `/sessions/${second}`]));
  for (const view of ["mpf", "mdf", "fatigue", "mvc"]) {
    await page.getByTestId("trend-toggle").locator(`a[data-view=${view}]`).click();
    await expect(page.locator(`figure.trend-plot[data-view=${view}]`)).toBeVisible();
    await expect(points, `${view}: two legs × two sessions`).toHaveCount(4);
  }
  const exp = (await (await page.request.get(`/api/export/session/${first}?format=json`)).json()) as Record<string, any>;
  const leftChannel = exp.compliance_breakdown.left_muscle.channel;
  const mvc = page.locator(`g[data-series=left-mvc] [data-session="${first}"]`);
  // MVC is plotted in µV: the exported volts × 10⁶.
  expect(Number(await mvc.getAttribute("data-value"))).toBe(exp.channels[leftChannel].mvc_value * 1e6);
  await expect(mvc.locator("title")).toContainText("µV");
  await mvc.click();
  await page.waitForURL(new RegExp(`/sessions/${first}$`));
});

test("cohort export page: the row count equals the rows of the batch CSV it downloads", async ({ page, signIn }) => {
  await signIn("therapist", "reports");
  await page.goto("/exports");
  await page.getByLabel("Patient").selectOption(patient);
  await page.getByLabel("Format").selectOption("csv");
  await page.getByRole("button", { name: "Count the rows" }).click();
  const count = page.getByTestId("cohort-count");
  await expect(count).toHaveAttribute("data-sessions", "2");
  await expect(count).toContainText("2 rows");
  const { text } = await downloadText(page, () => page.getByTestId("cohort-download").click());
  const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
  expect(rows.length).toBe(2);

  await page.getByLabel(/Contractions table instead/).check();
  await page.getByRole("button", { name: "Count the rows" }).click();
  await expect(page).toHaveURL(/table=contractions/);
  const contractions = Number(await count.getAttribute("data-contractions"));
  expect(contractions).toBeGreaterThan(0);
  await expect(count).toContainText(`${contractions} rows`);
  const table = await downloadText(page, () => page.getByTestId("cohort-download").click());
  expect(Papa.parse(table.text, { header: true, skipEmptyLines: true }).data.length).toBe(contractions);

  // xlsx and the quality/archived filters: the link carries them to the batch export.
  await page.getByLabel(/Contractions table instead/).uncheck();
  await page.getByLabel("Format").selectOption("xlsx");
  await page.getByLabel("Recording quality").selectOption("good");
  await page.getByLabel("Archived sessions").selectOption("include");
  await page.getByRole("button", { name: "Count the rows" }).click();
  await expect(page.getByTestId("cohort-download")).toHaveAttribute(
    "href",
    `/api/export/sessions?patient=${patient}&quality=good&archived=include&format=xlsx`,
  );

  // A bad value is named on its field, and nothing is counted.
  const bad = await page.request.get(`/exports?format=json&table=contractions`);
  expect(bad.status()).toBe(400);
  expect(await bad.text()).toContain("is a CSV table");
});

test("cohort export page: a researcher sees every patient, pseudonymised", async ({ page, signIn }) => {
  await signIn("researcher", "reports");
  await page.goto("/exports");
  await expect(page.getByText("You see pseudonymised data")).toBeVisible();
  await expect(page.getByLabel("Patient").locator(`option[value="${patient}"]`)).toHaveCount(1);
});
