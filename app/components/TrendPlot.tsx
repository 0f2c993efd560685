/** One point of a patient's trend: a session's time and its three headline scores (0–100). */
export interface TrendPoint {
  sessionId: string;
  recordedAt: string | null;
  overall: number | null;
  compliance: number | null;
  symmetry: number | null;
}

const SERIES = [
  { key: "overall", label: "Overall", color: "#0b5cad", dash: undefined },
  { key: "compliance", label: "Compliance", color: "#1a7f37", dash: "6 3" },
  { key: "symmetry", label: "Symmetry", color: "#8a5a00", dash: "2 3" },
] as const;

const W = 720;
const H = 260;
const PAD = { left: 44, right: 16, top: 14, bottom: 36 };

/**
 * Server-rendered SVG of the overall, compliance and symmetry scores over time (no JavaScript
 * needed). Sessions without a recording time are left out of the plot; the session table on the
 * same page is its text alternative.
 */
/** Milliseconds for ordering; a zone-less wall-clock time (recorded_at) is read as UTC, never as the server's zone. */
function instant(iso: string | null): number {
  if (!iso) return Number.NaN;
  return Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(iso) ? iso : `${iso}Z`);
}

export function TrendPlot({ points, describedBy }: { points: TrendPoint[]; describedBy: string }) {
  const dated = points
    .map((p) => ({ ...p, t: instant(p.recordedAt) }))
    .filter((p) => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
  if (dated.length === 0) return <p>No dated sessions to plot yet.</p>;
  const t0 = dated[0].t;
  const t1 = dated[dated.length - 1].t;
  const span = t1 - t0 || 1;
  const x = (t: number) =>
    dated.length === 1 ? PAD.left + (W - PAD.left - PAD.right) / 2 : PAD.left + ((t - t0) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / 100) * (H - PAD.top - PAD.bottom);
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return (
    <figure className="trend-plot" aria-describedby={describedBy}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label="Overall, compliance and symmetry scores per session over time"
        data-testid="trend-plot"
      >
        {[0, 25, 50, 75, 100].map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} stroke="#d5dbe1" />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" fontSize="11" fill="#555e69">
              {v}
            </text>
          </g>
        ))}
        <text x={PAD.left} y={H - 10} fontSize="11" fill="#555e69">
          {day(t0)}
        </text>
        {dated.length > 1 ? (
          <text x={W - PAD.right} y={H - 10} fontSize="11" fill="#555e69" textAnchor="end">
            {day(t1)}
          </text>
        ) : null}
        {SERIES.map((s) => {
          const pts = dated.filter((p) => p[s.key] != null).map((p) => [x(p.t), y(p[s.key] as number)] as const);
          return (
            <g key={s.key} data-series={s.key}>
              <polyline
                points={pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(" ")}
                fill="none"
                stroke={s.color}
                strokeWidth="2"
                strokeDasharray={s.dash}
              />
              {pts.map(([a, b], i) => (
                <circle key={i} cx={a} cy={b} r="3" fill={s.color} />
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {SERIES.map((s) => (
          <span key={s.key}>
            <svg width="24" height="10" aria-hidden="true">
              <line x1="0" x2="24" y1="5" y2="5" stroke={s.color} strokeWidth="2" strokeDasharray={s.dash} />
            </svg>{" "}
            {s.label}
          </span>
        ))}
        <span> — score 0–100 per session over time; the table below lists the same values.</span>
      </figcaption>
    </figure>
  );
}
