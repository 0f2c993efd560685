/**
 * Two sessions side by side with the difference B − A, grouped as the review page is: scores, per
 * leg, MVC, fatigue indicators. The text of the comparison lives here (one place to translate).
 * Each cell carries its full-precision value in data-value; the text is rounded for reading.
 */
import type { ComparisonGroup, ComparisonRow, ComparisonUnit } from "~/lib/export/compare";
import { EMPTY, formatNumber, formatRate, formatScore, formatVolts } from "~/components/format";

export const COMPARE_TEXT = {
  title: (patient: string) => `Compare two sessions of ${patient}`,
  pick: "Choose the two sessions",
  sessionA: "Session A",
  sessionB: "Session B",
  submit: "Compare",
  difference: "Difference (B − A)",
  measure: "Measure",
  back: (patient: string) => `← Patient ${patient}`,
  noSessions: "This patient needs at least two sessions to compare.",
  legend:
    "Every value is the one in each session's JSON export; the difference is B minus A. Rates are shown in per cent, their differences in percentage points.",
  groups: {
    scores: "Scores (0–100)",
    legs: "Per leg",
    mvc: "Maximum voluntary contraction (MVC)",
    fatigue: "Fatigue indicators",
  } satisfies Record<ComparisonGroup, string>,
  leg: { left: "left leg", right: "right leg" },
} as const;

const GROUPS: ComparisonGroup[] = ["scores", "legs", "mvc", "fatigue"];

export function formatValue(value: number | null, unit: ComparisonUnit): string {
  if (value === null) return EMPTY;
  switch (unit) {
    case "score":
      return formatScore(value);
    case "rate":
      return formatRate(value);
    case "count":
      return formatNumber(value);
    case "volts":
      return formatVolts(value);
    case "hz":
      return `${value.toFixed(1)} Hz`;
    case "ratio":
      return value.toPrecision(3);
  }
}

/** A difference with its sign; a rate difference in percentage points. */
export function formatDifference(value: number | null, unit: ComparisonUnit): string {
  if (value === null) return EMPTY;
  const sign = value > 0 ? "+" : value < 0 ? "−" : "±";
  const magnitude = Math.abs(value);
  const text = unit === "rate" ? `${(magnitude * 100).toFixed(1)} percentage points` : formatValue(magnitude, unit);
  return `${sign}${text}`;
}

export function ComparisonTable({ rows, a, b }: { rows: ComparisonRow[]; a: string; b: string }) {
  return (
    <table className="comparison" data-testid="comparison">
      <caption>{COMPARE_TEXT.legend}</caption>
      <thead>
        <tr>
          <th scope="col">{COMPARE_TEXT.measure}</th>
          <th scope="col" className="num">
            {COMPARE_TEXT.sessionA}: {a}
          </th>
          <th scope="col" className="num">
            {COMPARE_TEXT.sessionB}: {b}
          </th>
          <th scope="col" className="num">
            {COMPARE_TEXT.difference}
          </th>
        </tr>
      </thead>
      {GROUPS.map((group) => (
        <tbody key={group}>
          <tr>
            <th scope="colgroup" colSpan={4} className="group">
              {COMPARE_TEXT.groups[group]}
            </th>
          </tr>
          {rows
            .filter((r) => r.group === group)
            .map((r) => (
              <tr key={r.key} data-key={r.key}>
                <th scope="row">
                  {r.label}
                  {r.leg ? `, ${COMPARE_TEXT.leg[r.leg]}` : ""}
                </th>
                <td className="num" data-cell="a" data-value={r.a ?? ""}>
                  {formatValue(r.a, r.unit)}
                </td>
                <td className="num" data-cell="b" data-value={r.b ?? ""}>
                  {formatValue(r.b, r.unit)}
                </td>
                <td className="num" data-cell="difference" data-value={r.difference ?? ""}>
                  {formatDifference(r.difference, r.unit)}
                </td>
              </tr>
            ))}
        </tbody>
      ))}
    </table>
  );
}
