import type { PerformanceScores, SessionInfo } from "~/lib/domain";
import { LocalTime } from "~/components/LocalTime";
import { formatNumber } from "~/components/format";

/** Who, when and what was played: the identity block at the top of a review. */
export function SessionHeader({ session, scores }: { session: SessionInfo; scores: PerformanceScores | null }) {
  const game = session.game;
  return (
    <dl className="facts" aria-label="Session">
      <div>
        <dt>Patient</dt>
        <dd data-testid="patient-code">{session.patient_code ?? "not stored"}</dd>
      </div>
      <div>
        <dt>Recorded</dt>
        <dd>
          <LocalTime iso={session.recorded_at} />
        </dd>
      </div>
      <div>
        <dt>Game</dt>
        <dd>{game.name ?? "unknown"}</dd>
      </div>
      <div>
        <dt>Level</dt>
        <dd data-testid="game-level">
          {game.level ?? "—"}
          {game.level_name ? ` (${game.level_name})` : ""}
        </dd>
      </div>
      <div>
        <dt>Points</dt>
        <dd data-testid="game-points">
          {formatNumber(game.points)}
          {scores?.game_points_max != null ? ` of ${formatNumber(scores.game_points_max)}` : ""}
        </dd>
      </div>
      <div>
        <dt>File</dt>
        <dd>{session.source_filename ?? "—"}</dd>
      </div>
    </dl>
  );
}
