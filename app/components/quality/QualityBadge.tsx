/** The session's recording-quality status as a small badge (sessions list). */
import type { DataQualityStatus } from "~/lib/domain";
import { QUALITY_STRINGS as S } from "./strings";

export function QualityBadge({ status }: { status: DataQualityStatus | null }) {
  if (status == null) {
    return (
      <span className="badge quality-unknown" title={S.statusUnknownTitle} data-quality="unknown">
        {S.statusUnknown}
      </span>
    );
  }
  return (
    <span className={`badge quality-${status}`} data-quality={status}>
      {S.statusLabel[status]}
    </span>
  );
}
