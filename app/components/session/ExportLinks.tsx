/**
 * Downloads of a stored session: links to the server export (docs/export.md routes), so the files are
 * rendered by the same builder as this page. Plain links: they work without JavaScript.
 */
export function exportHref(sessionId: string, format: "json" | "csv" | "pdf", table?: "contractions"): string {
  const params = new URLSearchParams({ format });
  if (table) params.set("table", table);
  return `/api/export/session/${encodeURIComponent(sessionId)}?${params.toString()}`;
}

export function ExportLinks({ sessionId }: { sessionId: string }) {
  return (
    <ul className="download-links">
      <li>
        <a className="button" href={exportHref(sessionId, "json")} download data-testid="download-json">
          JSON export
        </a>
      </li>
      <li>
        <a className="button" href={exportHref(sessionId, "csv")} download data-testid="download-csv">
          CSV (one row)
        </a>
      </li>
      <li>
        <a className="button" href={exportHref(sessionId, "csv", "contractions")} download data-testid="download-contractions-csv">
          Contractions CSV
        </a>
      </li>
      <li>
        <a className="button" href={exportHref(sessionId, "pdf")} download data-testid="download-pdf">
          Report (PDF)
        </a>
      </li>
    </ul>
  );
}
