import { useEffect, useState } from "react";

/**
 * A time stamp in the viewer's time zone. The server does not know that zone, so it renders the
 * ISO value (what a no-JavaScript reader sees); after hydration the browser replaces it with
 * `Intl.DateTimeFormat` in its own zone. Rendering the same text on both sides first avoids a
 * hydration mismatch.
 */
export function LocalTime({ iso, dateOnly = false }: { iso: string | null | undefined; dateOnly?: boolean }) {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    if (!iso) return;
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return;
    const format = new Intl.DateTimeFormat(undefined, {
      dateStyle: "medium",
      ...(dateOnly ? {} : { timeStyle: "medium" }),
    });
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    setText(dateOnly ? format.format(date) : `${format.format(date)} (${zone})`);
  }, [iso, dateOnly]);
  if (!iso) return <span>unknown</span>;
  return (
    <time dateTime={iso} title={iso} data-local={text ? "true" : "false"}>
      {text ?? iso}
    </time>
  );
}
