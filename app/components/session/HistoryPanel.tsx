/**
 * The history of a stored session on the review page: every change, oldest first, with who and
 * when; what changed is in a <details> per event (scores and inputs, before → after). The words a
 * therapist reads sit in HISTORY_TEXT (translated later).
 */
import type { SessionHistoryEvent } from "~/lib/export/schema";

export const HISTORY_TEXT = {
  heading: "History",
  empty: "No changes recorded.",
  by: "by",
  someone: "a team member",
  changes: (n: number) => `What changed (${n} ${n === 1 ? "value" : "values"})`,
  kinds: {
    uploaded: "Uploaded",
    inputs_corrected: "Therapist inputs corrected",
    reprocessed: "Re-processed from the original file",
    archived: "Archived",
    restored: "Restored",
  } satisfies Record<SessionHistoryEvent["kind"], string>,
};

const show = (value: string | number | boolean | null) =>
  value === null ? "—" : typeof value === "number" ? String(Math.round(value * 100) / 100) : String(value);

export function HistoryPanel({ events }: { events: SessionHistoryEvent[] }) {
  return (
    <section aria-labelledby="history-heading" className="history" data-testid="history">
      <h2 id="history-heading">{HISTORY_TEXT.heading}</h2>
      {events.length === 0 ? <p>{HISTORY_TEXT.empty}</p> : null}
      <ol>
        {events.map((event, i) => {
          const changed = Object.entries(event.changes).filter(([, c]) => JSON.stringify(c.from) !== JSON.stringify(c.to));
          return (
            <li key={`${event.at}-${i}`} data-kind={event.kind}>
              <strong>{HISTORY_TEXT.kinds[event.kind]}</strong>{" "}
              <time dateTime={event.at}>{event.at.replace("T", " ").slice(0, 16)} UTC</time> {HISTORY_TEXT.by}{" "}
              {event.actor ?? HISTORY_TEXT.someone}
              {changed.length > 0 ? (
                <details>
                  <summary>{HISTORY_TEXT.changes(changed.length)}</summary>
                  <ul>
                    {changed.map(([field, c]) => (
                      <li key={field}>
                        <code>{field}</code>: {show(c.from)} → {show(c.to)}
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
