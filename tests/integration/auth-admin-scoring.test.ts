import { expect, it } from "vitest";
import * as root from "~/root";
import * as loginRoute from "~/routes/login";
import * as adminScoring from "~/routes/admin.scoring/route";
import { getDefaultScoringConfiguration } from "~/lib/server/repositories/scoring-configurations.server";
import { createUser } from "~/lib/server/auth/users.server";
import { forEachDriver } from "../support/databases";
import { ACTING_ADMIN } from "../support/users";
import { Browser, submit, useAsAppDb, visit } from "./auth-harness";

/** The form as the page renders it for the migration's default (docs/scoring.md defaults). */
const DEFAULT_FORM: Record<string, string> = {
  name: "GHOSTLY+ default",
  weight_compliance: "0.5",
  weight_symmetry: "0.25",
  weight_effort: "0.25",
  weight_game: "0",
  weight_completion: "0.333",
  weight_intensity: "0.333",
  weight_duration: "0.334",
  bfr_pressure_min_aop: "40",
  bfr_pressure_max_aop: "60",
  expected_contractions: "12",
  target_duration_ms: "2000",
  mvc_threshold_percentage: "75",
  ...Object.fromEntries(["20", "20", "60", "80", "100", "100", "100", "80", "60", "20", "20"].map((v, i) => [`rpe_${i}`, v])),
};

forEachDriver("admin: default scoring configuration", (t) => {
  useAsAppDb(t);
  const PASSWORD = "scoring-admin-pw-1";

  async function admin() {
    const email = `scoring-admin-${t.driver}-${Math.random().toString(36).slice(2, 8)}@example.org`;
    await createUser(ACTING_ADMIN, { email, displayName: "Scoring Admin", password: PASSWORD, role: "admin" }, { db: t.db });
    const browser = new Browser();
    await visit(browser, root, loginRoute, "/login");
    expect((await submit(browser, loginRoute, "/login", { email, password: PASSWORD })).status).toBe(302);
    await visit(browser, root, adminScoring, "/admin/scoring");
    return browser;
  }

  it("shows the stored default", async () => {
    const browser = await admin();
    const { page } = await visit(browser, root, adminScoring, "/admin/scoring");
    const config = (page?.body as { config: Record<string, unknown> }).config;
    expect(config).toMatchObject({ weight_compliance: 0.5, bfr_pressure_min_aop: 40, expected_contractions: 12 });
  });

  it("refuses weights that do not sum to 1, naming the field, and changes nothing", async () => {
    const browser = await admin();
    const before = await getDefaultScoringConfiguration({ db: t.db });
    const answer = await submit(browser, adminScoring, "/admin/scoring", {
      ...DEFAULT_FORM,
      weight_game: "0.1",
      rpe_3: "abc",
      bfr_pressure_min_aop: "70",
    });
    expect(answer.status).toBe(422);
    const errors = (answer.body as { errors: Record<string, string> }).errors;
    // Non-numbers are reported before the schema runs.
    expect(errors).toEqual({ rpe_3: 'rpe_3 must be a number, got "abc"' });
    const again = await submit(browser, adminScoring, "/admin/scoring", {
      ...DEFAULT_FORM,
      weight_game: "0.1",
      rpe_3: "120",
      bfr_pressure_min_aop: "70",
    });
    const schemaErrors = (again.body as { errors: Record<string, string> }).errors;
    expect(schemaErrors.weight_compliance).toBe("weights compliance + symmetry + effort + game must sum to 1 ± 0.001");
    expect(schemaErrors.rpe_3).toBe("scores must be ≤ 100");
    expect(schemaErrors.bfr_pressure_min_aop).toBe("must not exceed bfr_pressure_max_aop");
    expect(await getDefaultScoringConfiguration({ db: t.db })).toEqual(before);
  });

  it("saves a valid configuration", async () => {
    const browser = await admin();
    const answer = await submit(browser, adminScoring, "/admin/scoring", {
      ...DEFAULT_FORM,
      name: "Trial 2",
      weight_compliance: "0.4",
      weight_game: "0.1",
      rpe_10: "0",
      expected_contractions: "10",
    });
    expect(answer.status).toBe(200);
    const stored = await getDefaultScoringConfiguration({ db: t.db });
    expect(stored).toMatchObject({ name: "Trial 2", weight_compliance: 0.4, weight_game: 0.1, expected_contractions: 10 });
    expect(stored.rpe_mapping["10"]).toBe(0);
  });
});
