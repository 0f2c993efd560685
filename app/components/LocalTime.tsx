import { useSyncExternalStore } from "react";

const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Formats a time stamp for the viewer. An instant with a zone (upload times, `…Z`) is shown in the
 * viewer's time zone. A zone-less wall-clock time (`recorded_at`, docs/decisions/020) has no zone
 * to convert from: it is shown as recorded — the clinic's local time — in the viewer's date format
 * (docs/decisions/053-times-in-the-viewers-zone.md).
 */
export function formatTimestamp(iso: string, options: { dateOnly?: boolean; locale?: string; timeZone?: string } = {}): string | null {
  const style: Intl.DateTimeFormatOptions = { dateStyle: "medium", ...(options.dateOnly ? {} : { timeStyle: "medium" }) };
  if (HAS_ZONE.test(iso)) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return null;
    const zone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    const text = new Intl.DateTimeFormat(options.locale, { ...style, timeZone: zone }).format(date);
    return options.dateOnly ? text : `${text} (${zone})`;
  }
  // Wall clock: read the fields as UTC and format them in UTC, so no zone or DST shifts them.
  const date = new Date(`${iso}Z`);
  if (Number.isNaN(date.getTime())) return null;
  const text = new Intl.DateTimeFormat(options.locale, { ...style, timeZone: "UTC" }).format(date);
  return options.dateOnly ? text : `${text} (local time of the recording)`;
}

// Hydration is the one "change": React renders the server snapshot (false) while hydrating, then the
// client snapshot (true), without an effect that sets state.
const neverChanges = () => () => {};

/**
 * A time stamp rendered on the client. The server does not know the viewer's zone or locale, so it
 * renders the ISO value (what a reader without JavaScript sees); after hydration the browser
 * replaces it. Rendering the same text on both sides first avoids a hydration mismatch.
 */
export function LocalTime({ iso, dateOnly = false }: { iso: string | null | undefined; dateOnly?: boolean }) {
  const hydrated = useSyncExternalStore(
    neverChanges,
    () => true,
    () => false,
  );
  if (!iso) return <span>unknown</span>;
  const text = hydrated ? formatTimestamp(iso, { dateOnly }) : null;
  return (
    <time dateTime={iso} title={iso} data-local={text ? "true" : "false"}>
      {text ?? iso}
    </time>
  );
}
