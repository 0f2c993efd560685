/**
 * Session facts from the C3D parameters and the GHOSTLY file name: recording time, game, and the
 * small `c3d_metadata` summary kept with a session.
 */
import { type C3dFile, getParameter } from "~/lib/c3d";
import type { GameInfo } from "~/lib/domain";

/** Placeholders the game writes where it has no value. */
const PLACEHOLDERS = new Set(["", "---", "N/A"]);

function text(file: C3dFile, group: string, name: string): string | null {
  const p = getParameter(file, group, name);
  if (!p || p.values.length === 0) return null;
  const v = String(p.values[0]).trim();
  return PLACEHOLDERS.has(v) ? null : v;
}

function number(file: C3dFile, group: string, name: string): number | null {
  const p = getParameter(file, group, name);
  if (!p || p.values.length === 0) return null;
  const v = Number(p.values[0]);
  return Number.isFinite(v) ? v : null;
}

/** Game facts: INFO:GAME_NAME, GAME_LEVEL, GAME_LEVEL_NAME, VERSION, SYSTEM and SUBJECTS:GAME_SCORE. */
export function gameInfo(file: C3dFile): GameInfo {
  return {
    name: text(file, "INFO", "GAME_NAME"),
    level: number(file, "INFO", "GAME_LEVEL"),
    level_name: text(file, "INFO", "GAME_LEVEL_NAME"),
    points: number(file, "SUBJECTS", "GAME_SCORE"),
    version: text(file, "INFO", "VERSION"),
    system: text(file, "INFO", "SYSTEM"),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * Recording start as a local wall-clock ISO 8601 string without offset (`2023-03-21T17:50:17`):
 * INFO:TIME gives year, month, day, hour, minute; the seconds come from the GHOSTLY file name
 * (`…_17-50-17-0881.c3d`) when its hour and minute agree with INFO:TIME. The tablet writes local time
 * and no zone, so none is invented (docs/decisions/020). Seconds are 0 when the name does not give them;
 * null without a valid INFO:TIME.
 */
export function recordedAt(
  file: C3dFile,
  sourceFilename: string | null | undefined,
): { recorded_at: string | null; seconds_from_file_name: boolean } {
  const none = { recorded_at: null, seconds_from_file_name: false };
  const time = getParameter(file, "INFO", "TIME");
  if (!time || time.values.length < 5) return none;
  const [year, month, day, hour, minute] = time.values.slice(0, 5).map((v) => Number(v));
  if (![year, month, day, hour, minute].every(Number.isInteger)) return none;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return none;
  let seconds = 0;
  const match = sourceFilename ? /_(\d{2})-(\d{2})-(\d{2})-/.exec(sourceFilename) : null;
  const fromName = !!match && Number(match[1]) === hour && Number(match[2]) === minute && Number(match[3]) < 60;
  if (match && fromName) seconds = Number(match[3]);
  return {
    recorded_at: `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(seconds)}`,
    seconds_from_file_name: fromName,
  };
}

function groupValues(file: C3dFile, group: string): Record<string, unknown> {
  const g = file.groups.find((x) => x.name.toUpperCase() === group);
  if (!g) return {};
  return Object.fromEntries(g.parameters.map((p) => [p.name, p.values.length === 1 ? p.values[0] : p.values]));
}

/** The C3D facts stored with a session (jsonb): small, no sample data. */
export function c3dMetadata(file: C3dFile): Record<string, unknown> {
  return {
    processor_type: file.processorType,
    data_type: file.dataType,
    point_rate_hz: file.pointRate,
    point_count: file.points.labels.length,
    analog_rate_hz: file.analog.rate,
    analog_samples_per_frame: file.analog.samplesPerFrame,
    frames: { ...file.frames },
    analog_labels: [...file.analog.labels],
    analog_units: [...file.analog.units],
    info: groupValues(file, "INFO"),
    subjects: groupValues(file, "SUBJECTS"),
  };
}
