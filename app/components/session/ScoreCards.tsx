import type { ReactNode } from "react";
import type { PerformanceScores, ScoringConfigurationExport } from "~/lib/domain";
import { categoryLabel, formatNumber, formatScore, symmetryBandOf, symmetryBandLabel } from "~/components/format";

/** One session component (docs/scoring.md): its score, what it rests on, and the weight it was scored with. */
function ComponentCard({
  title,
  testId,
  score,
  weight,
  children,
}: {
  title: string;
  testId: string;
  score: number | null;
  weight: number | undefined;
  children?: ReactNode;
}) {
  return (
    <article className="card">
      <h3>{title}</h3>
      <p className="score" data-testid={testId} data-value={score ?? ""}>
        {formatScore(score)}
      </p>
      {children}
      <p className="weight">weight {weight == null ? "—" : weight.toFixed(2)}</p>
    </article>
  );
}

/**
 * The overall score with its category, then one card per component with the weight it was
 * scored with. A null component (no RPE, no game maximum) says so: its weight was redistributed.
 */
export function ScoreCards({ scores: s, config }: { scores: PerformanceScores; config: ScoringConfigurationExport | null }) {
  const band = symmetryBandOf(s.symmetry_score);
  return (
    <section aria-labelledby="scores-heading">
      <h2 id="scores-heading">Scores</h2>
      <div className={`overall category-${s.category ?? "none"}`}>
        <span className="overall-label">Overall</span>
        <span className="overall-value" data-testid="overall-score" data-value={s.overall_score ?? ""}>
          {formatScore(s.overall_score)}
        </span>
        <span className="overall-category" data-testid="category" data-value={s.category ?? ""}>
          {categoryLabel(s.category)}
        </span>
      </div>
      <div className="cards">
        <ComponentCard title="Compliance" testId="compliance-score" score={s.compliance_score} weight={config?.weight_compliance} />
        <ComponentCard title="Symmetry" testId="symmetry-score" score={s.symmetry_score} weight={config?.weight_symmetry}>
          <p className={`band band-${band ?? "none"}`} data-testid="symmetry-band">
            {symmetryBandLabel(band)}
          </p>
        </ComponentCard>
        <ComponentCard title="Effort" testId="effort-score" score={s.effort_score} weight={config?.weight_effort}>
          <p>
            {s.rpe_post_session == null
              ? "No post-session RPE: weight redistributed"
              : `RPE after session ${s.rpe_post_session} (Borg CR-10)`}
          </p>
        </ComponentCard>
        <ComponentCard title="Game" testId="game-score" score={s.game_score} weight={config?.weight_game}>
          <p>
            {formatNumber(s.game_points_achieved)} points
            {s.game_points_max == null ? " (no maximum given)" : ` of ${formatNumber(s.game_points_max)}`}
          </p>
        </ComponentCard>
        <article className="card">
          <h3>BFR</h3>
          <p className="score" data-testid="bfr-compliant">
            {s.bfr_compliant == null ? "not given" : s.bfr_compliant ? "Safe" : "Outside range"}
          </p>
          <p>
            Pressure {s.bfr_pressure_aop == null ? "—" : `${formatNumber(s.bfr_pressure_aop, 1)} % AOP`}
            {config ? ` (range ${config.bfr_pressure_min_aop}–${config.bfr_pressure_max_aop} %)` : ""}
          </p>
          <p className="weight">A pressure outside the range sets the overall score to 0.</p>
        </article>
      </div>
    </section>
  );
}
