/**
 * The cohort export page's query: each bad value is rejected naming its field, the contractions
 * table only with CSV, and the download address carries exactly the filters that are set.
 */
import { describe, expect, it } from "vitest";
import { batchHref, cohortQuerySchema } from "~/routes/exports/cohort-query";

const fieldsOf = (input: Record<string, string>) => {
  const parsed = cohortQuerySchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path[0]);
};

describe("cohortQuerySchema", () => {
  it("defaults: every patient, any quality, archived left out, CSV rows", () => {
    expect(cohortQuerySchema.parse({})).toEqual({
      patient: "",
      from: "",
      to: "",
      quality: "",
      archived: "exclude",
      format: "csv",
      table: "",
    });
  });
  it("names the field of each bad value", () => {
    expect(fieldsOf({ patient: "X1" })).toEqual(["patient"]);
    expect(fieldsOf({ quality: "bad" })).toEqual(["quality"]);
    expect(fieldsOf({ archived: "yes" })).toEqual(["archived"]);
    expect(fieldsOf({ format: "pdf" })).toEqual(["format"]);
    expect(fieldsOf({ table: "channels" })).toEqual(["table"]);
  });
  it("the contractions table is a CSV table", () => {
    expect(fieldsOf({ format: "json", table: "contractions" })).toEqual(["table"]);
    expect(fieldsOf({ format: "xlsx", table: "contractions" })).toEqual(["table"]);
    expect(fieldsOf({ format: "csv", table: "contractions" })).toEqual([]);
  });
});

describe("batchHref", () => {
  it("passes every set filter through to the batch export", () => {
    const q = cohortQuerySchema.parse({
      patient: "P001",
      from: "2024-01-01",
      to: "2024-02-01",
      quality: "review",
      archived: "include",
      format: "csv",
      table: "contractions",
    });
    expect(batchHref(q)).toBe(
      "/api/export/sessions?patient=P001&from=2024-01-01&to=2024-02-01&quality=review&archived=include&format=csv&table=contractions",
    );
  });
  it("leaves the defaults out", () => {
    expect(batchHref(cohortQuerySchema.parse({ format: "xlsx" }))).toBe("/api/export/sessions?format=xlsx");
  });
});
