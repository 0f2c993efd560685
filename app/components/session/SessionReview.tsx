import type { ReactNode } from "react";
import type { SessionExport } from "~/lib/export/schema";
import { ContractionTable } from "~/components/session/ContractionTable";
import { EnvelopePlot, type EnvelopeData } from "~/components/session/EnvelopePlot";
import { LegBreakdown } from "~/components/session/LegBreakdown";
import { ProcessingDetails } from "~/components/session/ProcessingDetails";
import { ScoreCards } from "~/components/session/ScoreCards";
import { SessionHeader } from "~/components/session/SessionHeader";

function Missing({ what }: { what: string }) {
  return <p className="error">{what} could not be built for this session; the export errors below say why.</p>;
}

/**
 * The review of one session, rendered from its canonical export only — the same object the JSON
 * and CSV downloads render — so page and files cannot disagree. Stored sessions and quick
 * analyses both use it; `downloads` and `children` (e.g. the correction form) differ. A section
 * the export could not build is `null` and is reported instead of shown.
 */
export function SessionReview({
  exp,
  envelopes,
  downloads,
  children,
}: {
  exp: SessionExport;
  envelopes: Record<string, EnvelopeData>;
  downloads: ReactNode;
  children?: ReactNode;
}) {
  const channels = exp.channels ?? {};
  const contractions = exp.contractions ?? [];
  return (
    <div className="session-review">
      {exp.session ? <SessionHeader session={exp.session} scores={exp.performance_scores} /> : <Missing what="The session facts" />}
      <section aria-labelledby="downloads-heading" className="downloads">
        <h2 id="downloads-heading">Downloads</h2>
        {downloads}
      </section>
      {exp.performance_scores ? (
        <ScoreCards scores={exp.performance_scores} config={exp.scoring_configuration} />
      ) : (
        <Missing what="The scores" />
      )}
      {exp.compliance_breakdown ? <LegBreakdown breakdown={exp.compliance_breakdown} /> : <Missing what="The per-leg breakdown" />}
      {children}
      <section aria-labelledby="emg-heading">
        <h2 id="emg-heading">EMG and contractions</h2>
        {Object.entries(channels).map(([id, ch]) => {
          const own = contractions.filter((c) => c.channel === id);
          const tableId = `contractions-${id}`;
          const envelope = envelopes[id];
          const name = `${id}${ch.side ? ` (${ch.side} leg)` : ""}`;
          return (
            <div key={id} className="channel-block">
              <h3>
                {name} — {ch.label}
              </h3>
              {ch.error ? <p className="error">Not analysed: {ch.error.message}</p> : null}
              {envelope ? (
                <EnvelopePlot
                  channel={id}
                  label={name}
                  envelope={envelope}
                  contractions={own}
                  mvcThreshold={ch.mvc_threshold}
                  describedBy={tableId}
                />
              ) : null}
              <ContractionTable id={tableId} caption={`Contractions of ${name}: ${own.length}`} contractions={own} />
            </div>
          );
        })}
      </section>
      <ProcessingDetails exp={exp} />
    </div>
  );
}
