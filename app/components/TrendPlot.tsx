/**
 * A patient's sessions over time as a server-rendered SVG (no JavaScript needed): the headline
 * scores, or per leg MPF, MDF, fatigue index or MVC (the toggle is plain links). Every point is a
 * link to its session with a tooltip (session, date, value); the legend sits under the plot area,
 * aligned with it. Sessions without a recording time are left out; the session table on the same
 * page is the plot's text alternative.
 */
import { Link } from "@remix-run/react";
import { formatTimestamp } from "~/components/LocalTime";
import { formatTrendValue, layoutTrend, TREND_VIEWS, VIEWS, type TrendPoint, type TrendView } from "~/components/trend/trend-model";

export type { TrendPoint, TrendView } from "~/components/trend/trend-model";

const BOX = { width: 720, height: 260, left: 64, right: 16, top: 14, bottom: 36 };
/** The legend's indent: the plot area's left edge as a share of the (scaled) SVG width. */
const LEGEND_INDENT = `${((BOX.left / BOX.width) * 100).toFixed(2)}%`;

const TEXT = {
  toggle: "Show",
  noData: "No dated sessions with this measure to plot yet.",
  caption: (view: string, unit: string) =>
    `${view}${unit ? ` (${unit})` : ""} per session over time. Each point opens its session; the table below lists the sessions.`,
  point: (code: string, date: string, series: string, value: string) => `Session ${code}, ${date}: ${series} ${value}`,
};

const day = (t: number) => new Date(t).toISOString().slice(0, 10);
const dateOf = (iso: string) => formatTimestamp(iso, { dateOnly: true, locale: "en-GB" }) ?? iso;

export function TrendToggle({ view, hrefFor }: { view: TrendView; hrefFor: (view: TrendView) => string }) {
  return (
    <nav aria-label="Trend measure" className="trend-toggle" data-testid="trend-toggle">
      <span>{TEXT.toggle}:</span>
      {TREND_VIEWS.map((v) => (
        <Link key={v} to={hrefFor(v)} aria-current={v === view ? "page" : undefined} preventScrollReset replace data-view={v}>
          {VIEWS[v].label}
        </Link>
      ))}
    </nav>
  );
}

export function TrendPlot({ points, describedBy, view = "scores" }: { points: TrendPoint[]; describedBy: string; view?: TrendView }) {
  const layout = layoutTrend(points, view, BOX);
  if (!layout) return <p data-testid="trend-empty">{TEXT.noData}</p>;
  const { unit, label } = layout.view;
  return (
    <figure className="trend-plot" aria-describedby={describedBy} data-view={view}>
      <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="group" aria-label={TEXT.caption(label, unit)} data-testid="trend-plot">
        {layout.ticks.map((tick) => (
          <g key={tick.value}>
            <line x1={BOX.left} x2={BOX.width - BOX.right} y1={tick.y} y2={tick.y} stroke="#d5dbe1" />
            <text x={BOX.left - 6} y={tick.y + 4} textAnchor="end" fontSize="11" fill="#555e69">
              {formatTrendValue(tick.value, "")}
            </text>
          </g>
        ))}
        {unit ? (
          <text x={4} y={BOX.top + 4} fontSize="11" fill="#555e69">
            {unit}
          </text>
        ) : null}
        <text x={BOX.left} y={BOX.height - 10} fontSize="11" fill="#555e69">
          {day(layout.first)}
        </text>
        {layout.last !== layout.first ? (
          <text x={BOX.width - BOX.right} y={BOX.height - 10} fontSize="11" fill="#555e69" textAnchor="end">
            {day(layout.last)}
          </text>
        ) : null}
        {layout.series.map((s) => (
          <g key={s.key} data-series={s.key}>
            <polyline
              points={s.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ")}
              fill="none"
              stroke={s.color}
              strokeWidth="2"
              strokeDasharray={s.dash}
            />
            {s.points.map((p) => {
              const tip = TEXT.point(p.sessionCode, dateOf(p.recordedAt), s.label, formatTrendValue(p.value, unit));
              return (
                <a
                  key={p.sessionId}
                  href={`/sessions/${p.sessionId}`}
                  aria-label={tip}
                  className="trend-point"
                  data-testid="trend-point"
                  data-session={p.sessionId}
                  data-value={p.value}
                >
                  <title>{tip}</title>
                  {/* The wide transparent stroke is the pointer and touch target (and the focus ring). */}
                  <circle cx={p.x} cy={p.y} r="3.5" fill={s.color} stroke="transparent" strokeWidth="11" />
                </a>
              );
            })}
          </g>
        ))}
      </svg>
      <figcaption className="legend" style={{ paddingLeft: LEGEND_INDENT }}>
        {layout.series.map((s) => (
          <span key={s.key} className="legend-item">
            <svg width="28" height="10" aria-hidden="true">
              <line x1="0" x2="28" y1="5" y2="5" stroke={s.color} strokeWidth="2" strokeDasharray={s.dash} />
              <circle cx="14" cy="5" r="3.5" fill={s.color} />
            </svg>
            {s.label}
          </span>
        ))}
        <span className="legend-note">{TEXT.caption(label, unit)}</span>
      </figcaption>
    </figure>
  );
}
