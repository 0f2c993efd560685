/**
 * Every interface text of the recording-quality feature (banner, badge, list filter), in one place
 * for the translation into Dutch and French. Finding messages come from docs/quality.md's checks.
 */
import type { DataQualityStatus } from "~/lib/domain";

export const QUALITY_STRINGS = {
  statusLabel: { good: "Good", review: "Review", unusable: "Unusable" } satisfies Record<DataQualityStatus, string>,
  statusUnknown: "Not checked",
  statusUnknownTitle: "Analysed before recording-quality checks existed",
  bannerTitle: {
    review: "Check this recording before trusting its scores",
    unusable: "This recording cannot be scored reliably",
  },
  bannerIntro: "The quality checks found:",
  details: "Technical details",
  columnCode: "Code",
  columnChannel: "Channel",
  columnValue: "Value",
  columnLimit: "Limit",
  session: "session",
  filterLabel: "Recording quality",
  filterAll: "Any quality",
  filterInvalid: (value: string) => `"${value}" is not a quality status (good, review or unusable).`,
  listColumn: "Quality",
} as const;
