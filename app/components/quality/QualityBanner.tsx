/**
 * Top of the review page of a `review` or `unusable` session: what to check, one line per finding
 * (its plain-language message, units included); code, value and limit stay in a <details>.
 */
import type { DataQuality } from "~/lib/domain";
import { QUALITY_STRINGS as S } from "./strings";

export function QualityBanner({ quality }: { quality: DataQuality | null }) {
  if (!quality || quality.status === "good") return null;
  const shown = quality.findings.filter((f) => f.severity !== "info");
  return (
    <section className={`notice quality-banner quality-${quality.status}`} role="alert" data-testid="quality-banner">
      <h2>{S.bannerTitle[quality.status]}</h2>
      <p>{S.bannerIntro}</p>
      <ul>
        {shown.map((f, i) => (
          <li key={i} data-code={f.code}>
            {f.message}
          </li>
        ))}
      </ul>
      <details>
        <summary>{S.details}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{S.columnCode}</th>
              <th scope="col">{S.columnChannel}</th>
              <th scope="col">{S.columnValue}</th>
              <th scope="col">{S.columnLimit}</th>
            </tr>
          </thead>
          <tbody>
            {quality.findings.map((f, i) => (
              <tr key={i}>
                <td>
                  <code>{f.code}</code> ({f.severity})
                </td>
                <td>{f.channel ?? S.session}</td>
                <td>{f.value ?? "—"}</td>
                <td>{f.limit ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
