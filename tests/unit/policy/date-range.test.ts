import { describe, expect, it } from "vitest";
import { describeDateRangeProblem, parseDateRange } from "~/lib/policy";

const range = (from?: string, to?: string) => {
  const parsed = parseDateRange({ from, to });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.range;
};
const problems = (from?: string | null, to?: string | null) => {
  const parsed = parseDateRange({ from, to });
  return parsed.ok ? [] : parsed.problems;
};

describe("parseDateRange: the one grammar of the sessions list, the batch export and the repository", () => {
  it("leaves a side open when it is absent, null or empty", () => {
    expect(range()).toEqual({ from: undefined, to: undefined });
    expect(parseDateRange({ from: null, to: "" })).toEqual({ ok: true, range: { from: undefined, to: undefined } });
  });

  it("reads a date-only from as that day's midnight, and a date-only to as the next midnight (the whole day included)", () => {
    expect(range("2024-01-02", "2024-01-04")).toEqual({ from: "2024-01-02T00:00:00", to: "2024-01-05T00:00:00" });
    // The day after the last of a month, of a year, and of February in a leap year.
    expect(range(undefined, "2024-04-30").to).toBe("2024-05-01T00:00:00");
    expect(range(undefined, "2024-12-31").to).toBe("2025-01-01T00:00:00");
    expect(range(undefined, "2024-02-29").to).toBe("2024-03-01T00:00:00");
  });

  it("keeps a time stamp as a wall-clock bound (to exclusive), with or without seconds and fraction", () => {
    expect(range("2024-01-02T10:00", "2024-01-02T18:30:15")).toEqual({ from: "2024-01-02T10:00:00", to: "2024-01-02T18:30:15" });
    expect(range("2024-01-02 10:00:05.123456").from).toBe("2024-01-02T10:00:05.123456");
  });

  it("ignores a zone, as recorded_at has none (docs/decisions/020)", () => {
    expect(range("2024-01-02T10:00Z", "2024-01-02T12:00:00+02:00")).toEqual({ from: "2024-01-02T10:00:00", to: "2024-01-02T12:00:00" });
    expect(range("2024-01-02T10:00-05:30").from).toBe("2024-01-02T10:00:00");
  });

  it("refuses a date that does not exist instead of rolling it over", () => {
    for (const value of [
      "2025-02-30",
      "2023-02-29",
      "2024-13-01",
      "2024-00-10",
      "2024-04-31",
      "2024-01-00",
      "0000-01-01",
      "0000-12-31T10:00",
    ]) {
      expect(problems(value), value).toEqual([{ kind: "not-a-date", field: "from", value }]);
    }
    for (const value of ["2024-01-01T24:00", "2024-01-01T10:60", "2024-01-01T10:00:60", "2024-01-01T10:00+24:00"]) {
      expect(problems(undefined, value), value).toEqual([{ kind: "not-a-date", field: "to", value }]);
    }
  });

  it("refuses anything else than the grammar", () => {
    for (const value of ["yesterday", "21-03-2023", "2024-1-02", "2024-01-02T10", "2024-01-02T10:00+0200", " 2024-01-02", "2024-01-02x"]) {
      expect(problems(value), value).toEqual([{ kind: "not-a-date", field: "from", value }]);
    }
  });

  it("reports both sides, and a reversed range only when both sides are dates", () => {
    expect(problems("nope", "never")).toEqual([
      { kind: "not-a-date", field: "from", value: "nope" },
      { kind: "not-a-date", field: "to", value: "never" },
    ]);
    expect(problems("2024-05-02", "2024-05-01")).toEqual([{ kind: "reversed", from: "2024-05-02", to: "2024-05-01" }]);
    // As written: from 10:00 is after to's midnight, although the day of to would include it.
    expect(problems("2024-05-01T10:00", "2024-05-01")).toEqual([{ kind: "reversed", from: "2024-05-01T10:00", to: "2024-05-01" }]);
    expect(problems("2024-05-01", "2024-05-01")).toEqual([]);
    expect(problems("2024-05-01T10:00:00.5", "2024-05-01T10:00:00.25")).toHaveLength(1);
  });

  it("words a problem for the API and the repository, naming the field", () => {
    expect(describeDateRangeProblem({ kind: "not-a-date", field: "to", value: "x" })).toEqual({
      field: "to",
      message: 'to must be a date (YYYY-MM-DD) or an ISO 8601 time stamp (YYYY-MM-DDTHH:MM[:SS], any zone is ignored), got "x"',
    });
    expect(describeDateRangeProblem({ kind: "reversed", from: "2024-01-01", to: "2023-01-01" })).toEqual({
      field: "from",
      message: "from (2024-01-01) is after to (2023-01-01)",
    });
  });
});
