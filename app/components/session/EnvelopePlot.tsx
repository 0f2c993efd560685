import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import type uPlot from "uplot";
import { ENVELOPE_STROKE, GOOD_FILL, OTHER_FILL, THRESHOLD_STROKE, envelopeSvg } from "~/components/session/envelope-svg";
import type { Contraction } from "~/lib/domain";

/** The RMS envelope of one channel, as plain arrays (what a loader can serialise). */
export interface EnvelopeData {
  times_s: number[];
  values: number[];
}

export interface EnvelopePlotProps {
  channel: string;
  label: string;
  envelope: EnvelopeData;
  contractions: Contraction[];
  /** Intensity threshold in volts (MVC · percentage / 100); drawn as a horizontal line. */
  mvcThreshold: number | null;
  /** id of the table that is this plot's text alternative. */
  describedBy: string;
}

const HEIGHT = 260;

/**
 * Shades every contraction behind the envelope: green for good ones (intensity and duration met),
 * red for the rest, so the two are told apart by colour and by the legend text.
 */
function shadeContractions(contractions: Contraction[]) {
  return (u: uPlot) => {
    const { ctx, bbox } = u;
    ctx.save();
    for (const c of contractions) {
      const x0 = u.valToPos(c.start_ms / 1000, "x", true);
      const x1 = u.valToPos(c.end_ms / 1000, "x", true);
      const left = Math.max(x0, bbox.left);
      const right = Math.min(x1, bbox.left + bbox.width);
      if (right <= left) continue;
      ctx.fillStyle = c.is_good ? GOOD_FILL : OTHER_FILL;
      ctx.fillRect(left, bbox.top, right - left, bbox.height);
    }
    ctx.restore();
  };
}

/**
 * The server-rendered stand-in for uPlot: the same envelope, bands and threshold as static SVG,
 * so the plot is there without JavaScript and while uPlot loads.
 */
function StaticEnvelope({ channel, label, envelope, contractions, mvcThreshold, describedBy }: EnvelopePlotProps) {
  const g = useMemo(() => envelopeSvg(envelope, contractions, mvcThreshold), [envelope, contractions, mvcThreshold]);
  const bottom = g.plot.top + g.plot.height;
  const right = g.plot.left + g.plot.width;
  return (
    <svg
      className="envelope-svg"
      viewBox={`0 0 ${g.width} ${g.height}`}
      role="img"
      aria-label={`${label}: RMS envelope with contractions shaded; the contraction table below is the text alternative.`}
      aria-describedby={describedBy}
      data-testid={`plot-${channel}-svg`}
    >
      {g.bands.map((b) => (
        <rect
          key={b.index}
          className={b.good ? "band good" : "band other"}
          x={b.x}
          y={g.plot.top}
          width={b.width}
          height={g.plot.height}
          fill={b.good ? GOOD_FILL : OTHER_FILL}
        />
      ))}
      <g className="axis" stroke="#8a96a3" fontSize="11" fill="#5b6670">
        <path d={`M${g.plot.left} ${g.plot.top}V${bottom}H${right}`} fill="none" />
        {g.xTicks.map((t) => (
          <text key={t.x} x={t.x} y={bottom + 14} textAnchor="middle" stroke="none">
            {t.label}
          </text>
        ))}
        {g.yTicks.map((t) => (
          <text key={t.y} x={g.plot.left - 5} y={t.y + 4} textAnchor="end" stroke="none">
            {t.label}
          </text>
        ))}
        <text x={g.plot.left + g.plot.width / 2} y={g.height - 4} textAnchor="middle" stroke="none">
          Time (s)
        </text>
        <text
          x={12}
          y={g.plot.top + g.plot.height / 2}
          textAnchor="middle"
          stroke="none"
          transform={`rotate(-90 12 ${g.plot.top + g.plot.height / 2})`}
        >
          RMS (µV)
        </text>
      </g>
      <path className="envelope" d={g.path} fill="none" stroke={ENVELOPE_STROKE} strokeWidth="1.5" strokeLinejoin="round" />
      {g.threshold ? (
        <line
          className="threshold"
          x1={g.plot.left}
          x2={right}
          y1={g.threshold.y}
          y2={g.threshold.y}
          stroke={THRESHOLD_STROKE}
          strokeWidth="1.5"
          strokeDasharray="6 4"
        />
      ) : null}
    </svg>
  );
}

/**
 * uPlot chart, drawn on the client only: uPlot needs a DOM, so it is imported inside an effect.
 * The server (and the page until uPlot is ready) shows StaticEnvelope instead. Drag across the plot (or use the From/To fields) to zoom; the
 * whole-session button or a double click resets.
 */
export function EnvelopePlot({ channel, label, envelope, contractions, mvcThreshold, describedBy }: EnvelopePlotProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const [ready, setReady] = useState(false);
  const [range, setRange] = useState<[number, number] | null>(null);
  const duration = envelope.times_s.length ? envelope.times_s[envelope.times_s.length - 1] : 0;

  useEffect(() => {
    let cancelled = false;
    let onResize: (() => void) | null = null;
    void import("uplot").then(({ default: UPlot }) => {
      const el = container.current;
      if (cancelled || !el) return;
      const threshold = envelope.times_s.map(() => mvcThreshold ?? Number.NaN);
      const opts: uPlot.Options = {
        width: el.clientWidth || 800,
        height: HEIGHT,
        scales: { x: { time: false } },
        axes: [{ label: "Time (s)" }, { label: "RMS (µV)", size: 70, values: (_u, ticks) => ticks.map((v) => (v * 1e6).toFixed(0)) }],
        series: [
          { label: "Time (s)", value: (_u, v) => (v == null ? "—" : v.toFixed(2)) },
          {
            label: `${label} RMS envelope`,
            stroke: ENVELOPE_STROKE,
            width: 1.5,
            value: (_u, v) => (v == null ? "—" : `${(v * 1e6).toFixed(1)} µV`),
          },
          {
            label: "MVC intensity threshold",
            stroke: THRESHOLD_STROKE,
            dash: [6, 4],
            width: 1.5,
            points: { show: false },
            value: (_u, v) => (v == null || Number.isNaN(v) ? "—" : `${(v * 1e6).toFixed(1)} µV`),
          },
        ],
        hooks: {
          drawClear: [shadeContractions(contractions)],
          setScale: [
            (u, key) => {
              if (key === "x" && u.scales.x.min != null && u.scales.x.max != null) setRange([u.scales.x.min, u.scales.x.max]);
            },
          ],
        },
      };
      chart.current = new UPlot(opts, [envelope.times_s, envelope.values, threshold], el);
      onResize = () => chart.current?.setSize({ width: el.clientWidth || 800, height: HEIGHT });
      window.addEventListener("resize", onResize);
      setReady(true);
    });
    return () => {
      cancelled = true;
      if (onResize) window.removeEventListener("resize", onResize);
      chart.current?.destroy();
      chart.current = null;
    };
  }, [envelope, contractions, mvcThreshold, label]);

  function zoom(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const min = Number(form.get("from"));
    const max = Number(form.get("to"));
    if (chart.current && Number.isFinite(min) && Number.isFinite(max) && max > min) {
      chart.current.setScale("x", { min, max });
    }
  }

  function reset() {
    chart.current?.setScale("x", { min: envelope.times_s[0] ?? 0, max: duration });
  }

  const headingId = `plot-${channel}-heading`;
  return (
    <figure className="envelope-plot" aria-labelledby={headingId} aria-describedby={describedBy}>
      <figcaption id={headingId}>
        {label}: RMS envelope over the session, contractions shaded (<span className="swatch good" aria-hidden="true" /> good,{" "}
        <span className="swatch other" aria-hidden="true" /> not good), dashed line = MVC intensity threshold. The table below lists the
        same contractions.
      </figcaption>
      <div ref={container} className="plot-area" data-testid={`plot-${channel}`} data-ready={ready}>
        {ready ? null : (
          <>
            <StaticEnvelope
              channel={channel}
              label={label}
              envelope={envelope}
              contractions={contractions}
              mvcThreshold={mvcThreshold}
              describedBy={describedBy}
            />
            <p className="plot-placeholder">
              The interactive plot needs JavaScript (zoom, values on hover); the contraction table below has the same data.
            </p>
          </>
        )}
      </div>
      {ready && range ? (
        <p className="plot-range" aria-live="polite" data-testid={`plot-${channel}-range`}>
          Showing {range[0].toFixed(1)} s to {range[1].toFixed(1)} s of {duration.toFixed(1)} s. Drag across the plot to zoom, double-click
          to reset.
        </p>
      ) : null}
      {ready ? (
        <form className="zoom" onSubmit={zoom} aria-label={`Zoom ${label}`}>
          <label>
            From (s)
            <input name="from" type="number" step="0.1" min={0} max={duration} defaultValue={0} />
          </label>
          <label>
            To (s)
            <input name="to" type="number" step="0.1" min={0} max={duration} defaultValue={duration.toFixed(1)} />
          </label>
          <button type="submit">Zoom</button>
          <button type="button" onClick={reset}>
            Whole session
          </button>
        </form>
      ) : null}
    </figure>
  );
}
