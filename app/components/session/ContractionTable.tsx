import type { Contraction } from "~/lib/domain";
import { formatNumber, formatSeconds, formatVolts } from "~/components/format";

function Check({ ok }: { ok: boolean }) {
  return <span className={ok ? "ok" : "not-ok"}>{ok ? "yes" : "no"}</span>;
}

/**
 * Every contraction of one channel. It is also the text alternative of that channel's envelope
 * plot, so it lists what the plot shows: where each contraction is and whether it was good.
 */
export function ContractionTable({ id, caption, contractions }: { id?: string; caption: string; contractions: Contraction[] }) {
  return (
    <table id={id} className="contractions" data-testid="contraction-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col" className="num">
            #
          </th>
          <th scope="col" className="num">
            Start
          </th>
          <th scope="col" className="num">
            End
          </th>
          <th scope="col" className="num">
            Duration
          </th>
          <th scope="col" className="num">
            Peak RMS
          </th>
          <th scope="col" className="num">
            Mean RMS
          </th>
          <th scope="col" className="num">
            % MVC
          </th>
          <th scope="col">Intensity met</th>
          <th scope="col">Duration met</th>
          <th scope="col">Good</th>
        </tr>
      </thead>
      <tbody>
        {contractions.length === 0 ? (
          <tr>
            <td colSpan={10}>No contractions detected.</td>
          </tr>
        ) : (
          contractions.map((c) => (
            <tr key={`${c.channel}-${c.index}`} className={c.is_good ? "good" : undefined}>
              <td className="num">{c.index}</td>
              <td className="num">{formatSeconds(c.start_ms)}</td>
              <td className="num">{formatSeconds(c.end_ms)}</td>
              <td className="num">{formatSeconds(c.duration_ms)}</td>
              <td className="num">{formatVolts(c.peak_rms)}</td>
              <td className="num">{formatVolts(c.mean_rms)}</td>
              <td className="num">{formatNumber(c.percent_mvc, 1)}</td>
              <td>
                <Check ok={c.meets_intensity} />
              </td>
              <td>
                <Check ok={c.meets_duration} />
              </td>
              <td>
                <Check ok={c.is_good} />
              </td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
