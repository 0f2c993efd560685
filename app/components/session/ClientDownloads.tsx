import { useState } from "react";
import { CONTENT_TYPES, renderExport, uploadExportFilename, type ExportFormat, type ExportTable } from "~/lib/export";
import type { SessionExport } from "~/lib/export/schema";

type Kind = "json" | "csv" | "contractions";

function save(text: string, filename: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoke after the click has been handled, or some browsers cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Downloads of an upload that was not stored (the seed's client-side fallback): the export object
 * the server built is rendered in the browser by the very renderers the server uses
 * (app/lib/export), so the files equal the server's export of the same upload.
 */
export function ClientDownloads({ exp, uploadName }: { exp: SessionExport; uploadName: string }) {
  const [error, setError] = useState<string | null>(null);
  function download(kind: Kind) {
    try {
      const format: ExportFormat = kind === "json" ? "json" : "csv";
      const table: ExportTable | undefined = kind === "contractions" ? "contractions" : undefined;
      save(renderExport(exp, format, table), uploadExportFilename(uploadName, format, table), CONTENT_TYPES[format]);
      setError(null);
    } catch (e) {
      setError(`The download could not be built: ${(e as Error).message}`);
    }
  }
  return (
    <>
      <p className="hint">Not stored: these files are built in your browser from the analysis shown here.</p>
      <ul className="download-links">
        <li>
          <button type="button" onClick={() => download("json")} data-testid="download-json">
            JSON export
          </button>
        </li>
        <li>
          <button type="button" onClick={() => download("csv")} data-testid="download-csv">
            CSV (one row)
          </button>
        </li>
        <li>
          <button type="button" onClick={() => download("contractions")} data-testid="download-contractions-csv">
            Contractions CSV
          </button>
        </li>
      </ul>
      <noscript>
        <p className="warning">These downloads are built in the browser and need JavaScript; POST /api/export returns the same files.</p>
      </noscript>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}
