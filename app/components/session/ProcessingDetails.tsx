import type { SessionExport } from "~/lib/export/schema";
import { formatBool, formatVolts } from "~/components/format";

type Row = [label: string, value: string];

function Facts({ title, rows }: { title: string; rows: Row[] | null }) {
  return (
    <div className="fact-group">
      <h3>{title}</h3>
      {rows ? (
        <dl className="facts compact">
          {rows.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p>Not available (see the export errors below).</p>
      )}
    </div>
  );
}

const show = (v: number | string | null | undefined, unit = "") => (v == null ? "—" : `${v}${unit ? ` ${unit}` : ""}`);

const fixed = (v: number | null | undefined, digits: number) => (v == null ? null : v.toFixed(digits));

/** Every number on the page is traceable: the parameters, the completeness flags and each warning. */
export function ProcessingDetails({ exp }: { exp: SessionExport }) {
  const p = exp.processing_parameters;
  const sp = exp.session_parameters;
  const dc = exp.data_completeness;
  const channels = Object.entries(exp.channels ?? {});
  const warnings = channels.flatMap(([id, ch]) => [
    ...(ch.error ? [{ where: id, ...ch.error, severity: "error" as const }] : []),
    ...ch.warnings.map((w) => ({ where: id, ...w, severity: "warning" as const })),
  ]);
  const errors = exp.errors ?? [];
  return (
    <section aria-labelledby="processing-heading">
      <h2 id="processing-heading">Processing, inputs and data completeness</h2>
      <div className="fact-groups">
        <Facts
          title="Processing parameters"
          rows={
            p && [
              ["Processing version", p.processing_version],
              ["Sampling rate", show(p.sampling_rate_hz, "Hz")],
              [
                "Band-pass",
                `${p.filter_low_cutoff_hz}–${p.filter_high_cutoff_hz} Hz (requested ${p.filter_high_cutoff_requested_hz} Hz), order ${p.filter_order}`,
              ],
              ["RMS window", `${p.rms_window_ms} ms, ${p.rms_overlap_percent} % overlap`],
              ["Threshold factor", `${p.threshold_factor} (activated channel ${p.activated_threshold_factor})`],
              ["Merge gap / minimum duration", `${p.merge_gap_ms} ms / ${p.min_duration_ms} ms`],
              ["MVC threshold", show(p.mvc_threshold_percentage, "% of MVC")],
            ]
          }
        />
        <Facts
          title="Session inputs"
          rows={
            sp && [
              ["RPE before / after", `${show(sp.rpe_pre_session)} / ${show(sp.rpe_post_session)}`],
              ["MVC threshold CH1 / CH2", `${formatVolts(sp.mvc_threshold_ch1)} / ${formatVolts(sp.mvc_threshold_ch2)}`],
              ["Target duration CH1 / CH2", `${show(sp.target_duration_ch1_ms, "ms")} / ${show(sp.target_duration_ch2_ms, "ms")}`],
              ["Expected contractions CH1 / CH2", `${show(sp.expected_contractions_ch1)} / ${show(sp.expected_contractions_ch2)}`],
              ["Session duration", show(fixed(sp.session_duration_seconds, 1), "s")],
              ["Rest duration", show(sp.rest_duration_seconds, "s")],
              ["BFR pressure", show(exp.performance_scores?.bfr_pressure_aop, "% AOP")],
            ]
          }
        />
        <Facts
          title="Data completeness"
          rows={
            dc && [
              ["EMG data", formatBool(dc.has_emg_data)],
              ["RPE", `${formatBool(dc.has_rpe)}${dc.rpe_source ? ` (${dc.rpe_source.replace("_", " ")})` : ""}`],
              ["Game data", formatBool(dc.has_game_data)],
              ["BFR data", formatBool(dc.has_bfr_data)],
            ]
          }
        />
      </div>
      <h3>Channels</h3>
      <table className="channels">
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">Side</th>
            <th scope="col">Timing from</th>
            <th scope="col" className="num">
              MVC
            </th>
            <th scope="col">MVC source</th>
            <th scope="col" className="num">
              RMS
            </th>
            <th scope="col" className="num">
              MPF
            </th>
            <th scope="col" className="num">
              MDF
            </th>
          </tr>
        </thead>
        <tbody>
          {channels.map(([id, ch]) => (
            <tr key={id}>
              <th scope="row">
                {id} ({ch.label})
              </th>
              <td>{ch.side ?? "—"}</td>
              <td>{ch.timing_source ?? "—"}</td>
              <td className="num">{formatVolts(ch.mvc_value)}</td>
              <td>{ch.mvc_source?.replaceAll("_", " ") ?? "—"}</td>
              <td className="num">{formatVolts(ch.rms)}</td>
              <td className="num">{show(fixed(ch.mpf, 1), "Hz")}</td>
              <td className="num">{show(fixed(ch.mdf, 1), "Hz")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Warnings</h3>
      {warnings.length === 0 && errors.length === 0 ? (
        <p data-testid="no-warnings">No warnings.</p>
      ) : (
        <ul className="warnings" data-testid="warnings">
          {errors.map((e) => (
            <li key={`e-${e.section}-${e.message}`} className="error">
              Export section {e.section}: {e.message}
            </li>
          ))}
          {warnings.map((w) => (
            <li key={`${w.where}-${w.code}-${w.message}`} className={w.severity}>
              {w.where}: {w.message} <code>{w.code}</code>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
