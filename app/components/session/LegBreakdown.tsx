import type { ReactNode } from "react";
import type { ComplianceBreakdown, MuscleCompliance } from "~/lib/domain";
import { formatNumber, formatRate, formatScore } from "~/components/format";

const LEGS = [
  ["left_muscle", "Left leg"],
  ["right_muscle", "Right leg"],
] as const;

function Count({ value, of }: { value: number | null; of: number | null }) {
  return (
    <>
      {formatNumber(value)}
      {of == null ? "" : ` / ${of}`}
    </>
  );
}

/** Per-leg compliance: the three rates and the counts behind them, against the expected count. */
export function LegBreakdown({ breakdown }: { breakdown: ComplianceBreakdown }) {
  const rows: [string, (m: MuscleCompliance) => ReactNode][] = [
    ["Channel", (m) => m.channel ?? "—"],
    ["Muscle compliance", (m) => formatScore(m.overall_compliance)],
    ["Completion rate", (m) => formatRate(m.completion_rate)],
    ["Intensity rate", (m) => formatRate(m.intensity_rate)],
    ["Duration rate", (m) => formatRate(m.duration_rate)],
    ["Contractions / expected", (m) => <Count value={m.contraction_count} of={m.expected_contractions} />],
    ["Meeting intensity", (m) => <Count value={m.intensity_compliant_count} of={m.contraction_count} />],
    ["Meeting duration", (m) => <Count value={m.duration_compliant_count} of={m.contraction_count} />],
    ["Good (both)", (m) => <Count value={m.good_contraction_count} of={m.contraction_count} />],
  ];
  return (
    <section aria-labelledby="legs-heading">
      <h2 id="legs-heading">Per leg</h2>
      <table className="legs" data-testid="leg-breakdown">
        <thead>
          <tr>
            <th scope="col">Measure</th>
            {LEGS.map(([key, label]) => (
              <th scope="col" className="num" key={key}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, cell]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {LEGS.map(([key]) => (
                <td className="num" key={key} data-testid={`${key}-${label}`}>
                  {cell(breakdown[key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
