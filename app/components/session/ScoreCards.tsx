import type { PerformanceScores, ScoringConfigurationExport } from "~/lib/export/schema";
import {
  categoryLabel,
  formatNumber,
  formatScore,
  symmetryBandOf,
  symmetryBandLabel,
} from "~/components/format";

function Weight({ value }: { value: number | undefined }) {
  return <p className="weight">weight {value == null ? "—" : value.toFixed(2)}</p>;
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
        <article className="card">
          <h3>Compliance</h3>
          <p className="score" data-testid="compliance-score" data-value={s.compliance_score ?? ""}>
            {formatScore(s.compliance_score)}
          </p>
          <Weight value={config?.weight_compliance} />
        </article>
        <article className="card">
          <h3>Symmetry</h3>
          <p className="score" data-testid="symmetry-score" data-value={s.symmetry_score ?? ""}>
            {formatScore(s.symmetry_score)}
          </p>
          <p className={`band band-${band ?? "none"}`} data-testid="symmetry-band">
            {symmetryBandLabel(band)}
          </p>
          <Weight value={config?.weight_symmetry} />
        </article>
        <article className="card">
          <h3>Effort</h3>
          <p className="score" data-testid="effort-score" data-value={s.effort_score ?? ""}>
            {formatScore(s.effort_score)}
          </p>
          <p>
            {s.rpe_post_session == null
              ? "No post-session RPE: weight redistributed"
              : `RPE after session ${s.rpe_post_session} (Borg CR-10)`}
          </p>
          <Weight value={config?.weight_effort} />
        </article>
        <article className="card">
          <h3>Game</h3>
          <p className="score" data-testid="game-score" data-value={s.game_score ?? ""}>
            {formatScore(s.game_score)}
          </p>
          <p>
            {formatNumber(s.game_points_achieved)} points
            {s.game_points_max == null ? " (no maximum given)" : ` of ${formatNumber(s.game_points_max)}`}
          </p>
          <Weight value={config?.weight_game} />
        </article>
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
