/**
 * The field dictionary of the canonical export: meaning, unit and origin of every field.
 *
 * Keyed by schema path (`<id>` for a channel id, `<rpe>` for an RPE value, `[]` for a list element).
 * A unit test walks the zod schema and fails when a field has no entry or an entry names no field,
 * so docs/field-dictionary.md (generated from this table) and the JSON Schema descriptions cannot
 * drift from the contract.
 */
import { z } from "zod";
import { sessionExportSchema } from "./schema";

export interface FieldDoc {
  meaning: string;
  /** Unit or value range ("" when the field is a name or a flag). */
  unit: string;
  /** Where the value comes from: C3D file, pipeline §, scoring, user input, database, export. */
  source: string;
}

const PIPE = "EMG pipeline (docs/pipeline.md)";
const SCORE = "scoring (docs/scoring.md)";
const CFG = "scoring configuration the session was scored with";

const channelCounts = (what: string) => `${what} of this muscle (docs/pipeline.md §4)`;

// One field per line, as the table it is: Prettier would spread the long entries over five lines each.
// prettier-ignore
export const FIELD_DICTIONARY: Record<string, FieldDoc> = {
  export_metadata: { meaning: "Facts about this export file", unit: "", source: "export" },
  "export_metadata.export_timestamp": { meaning: "When the export was built", unit: "ISO 8601 UTC", source: "export (server clock)" },
  "export_metadata.export_version": { meaning: "Version of this export format", unit: "semver, \"2.0.0\"", source: "export" },
  "export_metadata.session_id": { meaning: "Id of the stored session; null for an upload that was analysed without being stored", unit: "uuid", source: "database" },
  "export_metadata.generator": { meaning: "Application name and version that built the export", unit: "", source: "export" },

  session: { meaning: "Identity and provenance of the session", unit: "", source: "database and C3D file" },
  "session.session_code": { meaning: "Human-readable session code", unit: "", source: "database (null for an unsaved upload)" },
  "session.patient_code": { meaning: "Pseudonymised patient code (P###)", unit: "", source: "database (null for an unsaved upload)" },
  "session.therapist": { meaning: "Therapist who uploaded the session (hidden from researchers)", unit: "", source: "database" },
  "session.recorded_at": { meaning: "When the game session was recorded, clinic wall-clock time (no zone in the file; decision 020)", unit: "ISO 8601 local, YYYY-MM-DDTHH:MM:SS", source: "C3D INFO:TIME + seconds from the file name" },
  "session.source_filename": { meaning: "Name of the uploaded C3D file", unit: "", source: "upload" },
  "session.file_sha256": { meaning: "SHA-256 of the uploaded file's bytes", unit: "hex", source: "upload" },
  "session.file_size_bytes": { meaning: "Size of the uploaded file", unit: "bytes", source: "upload" },
  "session.processing_status": { meaning: "Outcome of the analysis (e.g. completed, partial)", unit: "", source: PIPE },
  "session.game": { meaning: "The serious game that recorded the session", unit: "", source: "C3D INFO/SUBJECTS groups" },
  "session.game.name": { meaning: "Game name", unit: "", source: "C3D" },
  "session.game.level": { meaning: "Game level played", unit: "", source: "C3D INFO:GAME_LEVEL" },
  "session.game.level_name": { meaning: "Name of the game level", unit: "", source: "C3D" },
  "session.game.points": { meaning: "Points achieved in the game", unit: "points", source: "C3D SUBJECTS:GAME_SCORE" },
  "session.game.version": { meaning: "Game version", unit: "", source: "C3D" },
  "session.game.system": { meaning: "Recording system / device", unit: "", source: "C3D" },

  performance_scores: { meaning: "Session scores (docs/scoring.md)", unit: "", source: SCORE },
  "performance_scores.overall_score": { meaning: "Overall performance P = C_BFR · Σ wᵢSᵢ / Σ wᵢ over known components", unit: "0–100", source: SCORE },
  "performance_scores.compliance_score": { meaning: "Therapeutic compliance S_c = mean of the two muscle compliances", unit: "0–100", source: SCORE },
  "performance_scores.symmetry_score": { meaning: "Left/right symmetry S_s = 100·(1 − |S_L − S_R| / (S_L + S_R))", unit: "0–100", source: SCORE },
  "performance_scores.effort_score": { meaning: "Perceived-effort score from post-session RPE via the RPE mapping; null without RPE", unit: "0–100", source: SCORE },
  "performance_scores.game_score": { meaning: "Game score 100·min(points / points max, 1); null when either is unknown", unit: "0–100", source: SCORE },
  "performance_scores.bfr_compliant": { meaning: "BFR pressure inside the safe range; null when the pressure is unknown", unit: "true/false", source: SCORE },
  "performance_scores.bfr_pressure_aop": { meaning: "Blood-flow-restriction cuff pressure", unit: "% arterial occlusion pressure", source: "therapist input" },
  "performance_scores.rpe_post_session": { meaning: "Rating of perceived exertion after the session", unit: "Borg CR-10, 0–10", source: "therapist input" },
  "performance_scores.game_points_achieved": { meaning: "Points achieved in the game", unit: "points", source: "C3D SUBJECTS:GAME_SCORE" },
  "performance_scores.game_points_max": { meaning: "Points the level allowed", unit: "points", source: "therapist input" },
  "performance_scores.category": { meaning: "Band of the overall score: target_achieved ≥ 90, adequate ≥ 80, below_target ≥ 70, poor ≥ 60, inadequate", unit: "", source: SCORE },

  compliance_breakdown: { meaning: "Per-muscle compliance (docs/scoring.md 'Per muscle')", unit: "", source: SCORE },
  "compliance_breakdown.left_muscle": { meaning: "Left leg (CH1 by default)", unit: "", source: SCORE },
  "compliance_breakdown.right_muscle": { meaning: "Right leg (CH2 by default)", unit: "", source: SCORE },
};

const muscleFields: Record<string, FieldDoc> = {
  channel: { meaning: "Channel id of this muscle", unit: "", source: PIPE },
  overall_compliance: {
    meaning: "Muscle compliance S_m = 100·(w_c·completion + w_i·intensity + w_d·duration)",
    unit: "0–100",
    source: SCORE,
  },
  completion_rate: { meaning: "min(contractions / expected, 1)", unit: "0–1", source: SCORE },
  intensity_rate: { meaning: "Share of contractions meeting the intensity threshold (0 without contractions)", unit: "0–1", source: SCORE },
  duration_rate: { meaning: "Share of contractions meeting the target duration (0 without contractions)", unit: "0–1", source: SCORE },
  contraction_count: { meaning: "Contractions detected", unit: "count", source: PIPE },
  good_contraction_count: { meaning: "Contractions meeting both intensity and duration", unit: "count", source: PIPE },
  intensity_compliant_count: { meaning: "Contractions meeting the intensity threshold", unit: "count", source: PIPE },
  duration_compliant_count: { meaning: "Contractions meeting the target duration", unit: "count", source: PIPE },
  expected_contractions: { meaning: "Contractions the session asked for", unit: "count", source: CFG },
};
for (const side of ["left_muscle", "right_muscle"]) {
  for (const [k, doc] of Object.entries(muscleFields)) FIELD_DICTIONARY[`compliance_breakdown.${side}.${k}`] = doc;
}

const rangeDocs = {
  values: { meaning: "RPE values in this range", unit: "Borg CR-10 values", source: CFG },
  score: { meaning: "Effort score given to these RPE values", unit: "0–100", source: CFG },
  description: { meaning: "Label of the range", unit: "", source: CFG },
};

Object.assign(FIELD_DICTIONARY, {
  scoring_configuration: { meaning: "Snapshot of the scoring configuration that produced the scores", unit: "", source: CFG },
  "scoring_configuration.id": { meaning: "Id of the configuration", unit: "", source: "database" },
  "scoring_configuration.name": { meaning: "Name of the configuration", unit: "", source: "database" },
  "scoring_configuration.weight_compliance": { meaning: "Weight of the compliance component", unit: "0–1", source: CFG },
  "scoring_configuration.weight_symmetry": { meaning: "Weight of the symmetry component", unit: "0–1", source: CFG },
  "scoring_configuration.weight_effort": { meaning: "Weight of the effort component", unit: "0–1", source: CFG },
  "scoring_configuration.weight_game": { meaning: "Weight of the game component", unit: "0–1", source: CFG },
  "scoring_configuration.weight_completion": {
    meaning: "Sub-weight of the completion rate in muscle compliance",
    unit: "0–1",
    source: CFG,
  },
  "scoring_configuration.weight_intensity": { meaning: "Sub-weight of the intensity rate in muscle compliance", unit: "0–1", source: CFG },
  "scoring_configuration.weight_duration": { meaning: "Sub-weight of the duration rate in muscle compliance", unit: "0–1", source: CFG },
  "scoring_configuration.rpe_mapping": { meaning: "Effort score for each RPE value", unit: "", source: CFG },
  "scoring_configuration.rpe_mapping.<rpe>": {
    meaning: "Effort score for RPE value <rpe> (CSV: config_rpe_mapping_0 … _10)",
    unit: "0–100",
    source: CFG,
  },
  "scoring_configuration.rpe_mapping_formatted": {
    meaning: "The RPE mapping grouped into named ranges for reading",
    unit: "",
    source: CFG,
  },
  "scoring_configuration.rpe_mapping_formatted.scale": { meaning: "RPE scale", unit: '"Borg CR-10"', source: CFG },
  "scoring_configuration.rpe_mapping_formatted.ranges": { meaning: "Named RPE ranges", unit: "", source: CFG },
  "scoring_configuration.bfr_pressure_min_aop": {
    meaning: "Lower bound of the safe BFR pressure range (inclusive)",
    unit: "% AOP",
    source: CFG,
  },
  "scoring_configuration.bfr_pressure_max_aop": {
    meaning: "Upper bound of the safe BFR pressure range (inclusive)",
    unit: "% AOP",
    source: CFG,
  },
});
for (const range of ["optimal", "acceptable", "suboptimal", "poor"]) {
  const base = `scoring_configuration.rpe_mapping_formatted.ranges.${range}`;
  FIELD_DICTIONARY[base] = { meaning: `The ${range} RPE range`, unit: "", source: CFG };
  for (const [k, doc] of Object.entries(rangeDocs)) FIELD_DICTIONARY[`${base}.${k}`] = doc;
}

Object.assign(FIELD_DICTIONARY, {
  processing_parameters: { meaning: "Signal-processing parameters actually used", unit: "", source: PIPE },
  "processing_parameters.processing_version": { meaning: "Version of the pipeline definition", unit: "semver", source: PIPE },
  "processing_parameters.sampling_rate_hz": { meaning: "Analog sampling rate fs of the file", unit: "Hz", source: "C3D ANALOG:RATE" },
  "processing_parameters.filter_low_cutoff_hz": { meaning: "Band-pass low cut-off", unit: "Hz", source: `${PIPE} §1` },
  "processing_parameters.filter_high_cutoff_hz": {
    meaning: "Effective band-pass high cut-off min(requested, 0.95·fs/2)",
    unit: "Hz",
    source: `${PIPE} §1`,
  },
  "processing_parameters.filter_high_cutoff_requested_hz": { meaning: "High cut-off that was asked for", unit: "Hz", source: "options" },
  "processing_parameters.filter_order": { meaning: "Butterworth order N", unit: "", source: `${PIPE} §1` },
  "processing_parameters.rms_window_ms": { meaning: "RMS envelope window length", unit: "ms", source: `${PIPE} §2` },
  "processing_parameters.rms_overlap_percent": { meaning: "Overlap of consecutive RMS windows", unit: "%", source: `${PIPE} §2` },
  "processing_parameters.threshold_factor": {
    meaning: "Envelope activity threshold as a fraction of MVC",
    unit: "fraction",
    source: `${PIPE} §4`,
  },
  "processing_parameters.activated_threshold_factor": {
    meaning: "Activity threshold on the device's activated channel, fraction of its max",
    unit: "fraction",
    source: `${PIPE} §4`,
  },
  "processing_parameters.merge_gap_ms": { meaning: "Candidates closer than this are merged", unit: "ms", source: `${PIPE} §4` },
  "processing_parameters.min_duration_ms": { meaning: "Shorter candidates are dropped", unit: "ms", source: `${PIPE} §4` },
  "processing_parameters.mvc_threshold_percentage": {
    meaning: "Intensity threshold as a percentage of MVC",
    unit: "%",
    source: `${PIPE} §3`,
  },

  session_parameters: { meaning: "Inputs and targets of this session", unit: "", source: "therapist input, configuration, C3D" },
  "session_parameters.rpe_pre_session": { meaning: "RPE before the session", unit: "Borg CR-10, 0–10", source: "therapist input" },
  "session_parameters.rpe_post_session": { meaning: "RPE after the session", unit: "Borg CR-10, 0–10", source: "therapist input" },
  "session_parameters.mvc_threshold_ch1": {
    meaning: "Intensity threshold of CH1 = MVC · percentage / 100",
    unit: "V",
    source: `${PIPE} §3`,
  },
  "session_parameters.mvc_threshold_ch2": {
    meaning: "Intensity threshold of CH2 = MVC · percentage / 100",
    unit: "V",
    source: `${PIPE} §3`,
  },
  "session_parameters.contraction_duration_threshold": { meaning: "Target contraction duration", unit: "ms", source: CFG },
  "session_parameters.target_duration_ch1_ms": { meaning: "Target contraction duration of CH1", unit: "ms", source: CFG },
  "session_parameters.target_duration_ch2_ms": { meaning: "Target contraction duration of CH2", unit: "ms", source: CFG },
  "session_parameters.expected_contractions_ch1": { meaning: "Expected contractions of CH1", unit: "count", source: CFG },
  "session_parameters.expected_contractions_ch2": { meaning: "Expected contractions of CH2", unit: "count", source: CFG },
  "session_parameters.session_duration_seconds": { meaning: "Length of the recording n/fs", unit: "s", source: "C3D" },
  "session_parameters.rest_duration_seconds": { meaning: "Rest time between contractions", unit: "s", source: "therapist input" },

  data_completeness: { meaning: "Which inputs the session has", unit: "", source: "export" },
  "data_completeness.has_emg_data": { meaning: "At least one muscle channel was analysed", unit: "true/false", source: PIPE },
  "data_completeness.has_rpe": {
    meaning: "A post-session RPE is known (else effort is left out of P)",
    unit: "true/false",
    source: "therapist input",
  },
  "data_completeness.has_game_data": { meaning: "Game points are known", unit: "true/false", source: "C3D" },
  "data_completeness.has_bfr_data": { meaning: "A BFR pressure is known", unit: "true/false", source: "therapist input" },
  "data_completeness.rpe_source": { meaning: "Where the RPE came from: upload or a later therapist edit", unit: "", source: "database" },

  channels: { meaning: "Per muscle channel (CH1, CH2, …): analytics and contraction summary", unit: "", source: PIPE },
  "channels.<id>": { meaning: "One muscle channel; id = raw label without ' Raw'", unit: "", source: PIPE },
  "channels.<id>.label": { meaning: "Raw channel label in the C3D", unit: "", source: "C3D ANALOG:LABELS" },
  "channels.<id>.side": { meaning: "Leg of this muscle", unit: "left/right", source: `${PIPE} §0` },
  "channels.<id>.timing_source": {
    meaning: "How contractions were timed: device activation channel or RMS envelope",
    unit: "",
    source: `${PIPE} §4`,
  },
  "channels.<id>.mvc_value": { meaning: "Maximum voluntary contraction reference", unit: "V", source: `${PIPE} §3` },
  "channels.<id>.mvc_source": {
    meaning: "Where the MVC came from: upload, patient record, or peak of this recording",
    unit: "",
    source: `${PIPE} §3`,
  },
  "channels.<id>.mvc_threshold": { meaning: "Intensity threshold MVC · percentage / 100", unit: "V", source: `${PIPE} §3` },
  "channels.<id>.rms": { meaning: "RMS of the band-passed signal, whole recording", unit: "V", source: `${PIPE} §5` },
  "channels.<id>.mav": { meaning: "Mean absolute value of the band-passed signal", unit: "V", source: `${PIPE} §5` },
  "channels.<id>.mpf": { meaning: "Mean power frequency (Welch PSD)", unit: "Hz", source: `${PIPE} §5` },
  "channels.<id>.mdf": { meaning: "Median frequency (Welch PSD)", unit: "Hz", source: `${PIPE} §5` },
  "channels.<id>.fatigue_index_fi_nsm5": { meaning: "Dimitrov spectral fatigue index Σf⁻¹P / Σf⁵P", unit: "Hz⁻⁶", source: `${PIPE} §5` },
  "channels.<id>.target_duration_ms": { meaning: "Target contraction duration of this muscle", unit: "ms", source: CFG },
  "channels.<id>.contraction_count": { meaning: channelCounts("Contractions"), unit: "count", source: PIPE },
  "channels.<id>.good_contraction_count": { meaning: channelCounts("Good contractions"), unit: "count", source: PIPE },
  "channels.<id>.intensity_compliant_count": { meaning: channelCounts("Contractions meeting intensity"), unit: "count", source: PIPE },
  "channels.<id>.duration_compliant_count": { meaning: channelCounts("Contractions meeting duration"), unit: "count", source: PIPE },
  "channels.<id>.mean_duration_ms": { meaning: "Mean contraction duration (null without contractions)", unit: "ms", source: PIPE },
  "channels.<id>.shortest_duration_ms": { meaning: "Shortest contraction", unit: "ms", source: PIPE },
  "channels.<id>.longest_duration_ms": { meaning: "Longest contraction", unit: "ms", source: PIPE },
  "channels.<id>.total_time_under_tension_ms": { meaning: "Sum of contraction durations", unit: "ms", source: PIPE },
  "channels.<id>.mean_peak_rms": { meaning: "Mean of the contractions' peak envelope values", unit: "V", source: PIPE },
  "channels.<id>.max_peak_rms": { meaning: "Largest contraction peak envelope value", unit: "V", source: PIPE },
  "channels.<id>.duration_s": { meaning: "Channel length n/fs", unit: "s", source: PIPE },
  "channels.<id>.error": {
    meaning: "Why the channel was rejected (non_finite_samples, too_short); null when analysed",
    unit: "",
    source: `${PIPE} §0`,
  },
  "channels.<id>.error.code": { meaning: "Machine-readable rejection code", unit: "", source: PIPE },
  "channels.<id>.error.message": { meaning: "Human-readable rejection reason", unit: "", source: PIPE },
  "channels.<id>.warnings": { meaning: "Warnings about this channel (CSV: codes joined with ';')", unit: "", source: PIPE },
  "channels.<id>.warnings[]": { meaning: "One warning", unit: "", source: PIPE },
  "channels.<id>.warnings[].code": {
    meaning: "Machine-readable warning code (short_recording, flat_signal, high_cutoff_clamped, …)",
    unit: "",
    source: PIPE,
  },
  "channels.<id>.warnings[].message": { meaning: "Human-readable warning", unit: "", source: PIPE },

  contractions: { meaning: "Every contraction of every muscle (CSV: ?table=contractions)", unit: "", source: `${PIPE} §4` },
  "contractions[]": { meaning: "One contraction", unit: "", source: `${PIPE} §4` },
  "contractions[].channel": { meaning: "Channel id of the muscle", unit: "", source: PIPE },
  "contractions[].index": { meaning: "1-based number of the contraction within its muscle, in time order", unit: "", source: PIPE },
  "contractions[].start_ms": { meaning: "Start time 1000·s/fs", unit: "ms from recording start", source: PIPE },
  "contractions[].end_ms": { meaning: "End time 1000·(e+1)/fs", unit: "ms from recording start", source: PIPE },
  "contractions[].duration_ms": { meaning: "Duration 1000·(e−s+1)/fs", unit: "ms", source: PIPE },
  "contractions[].peak_rms": { meaning: "Maximum envelope value over the contraction's windows", unit: "V", source: PIPE },
  "contractions[].mean_rms": { meaning: "Mean envelope value over the contraction's windows", unit: "V", source: PIPE },
  "contractions[].percent_mvc": { meaning: "100 · peak_rms / MVC", unit: "% MVC", source: PIPE },
  "contractions[].meets_intensity": { meaning: "peak_rms ≥ intensity threshold", unit: "true/false", source: PIPE },
  "contractions[].meets_duration": { meaning: "Length ≥ target duration", unit: "true/false", source: PIPE },
  "contractions[].is_good": { meaning: "Meets both intensity and duration", unit: "true/false", source: PIPE },

  signals: { meaning: "Only with include_signals: per channel time series (not in the CSV)", unit: "", source: PIPE },
  "signals.<id>": { meaning: "Time series of one channel", unit: "", source: PIPE },
  "signals.<id>.envelope": { meaning: "The RMS envelope the plots show", unit: "", source: `${PIPE} §2` },
  "signals.<id>.envelope.times_s": { meaning: "Centre time of each RMS window", unit: "s", source: `${PIPE} §2` },
  "signals.<id>.envelope.values": { meaning: "RMS value of each window", unit: "V", source: `${PIPE} §2` },
  "signals.<id>.raw": { meaning: "Raw samples (uploads only, when asked), every decimation-th sample", unit: "V", source: "C3D" },
  "signals.<id>.bandpassed": {
    meaning: "Band-passed samples (uploads only, when asked), every decimation-th sample",
    unit: "V",
    source: `${PIPE} §1`,
  },
  "signals.<id>.decimation": { meaning: "Keep-every-n factor applied to raw/bandpassed", unit: "samples", source: "request" },

  history: {
    meaning: "Stored sessions only: every change to the session, oldest first (not in the one-row CSV)",
    unit: "",
    source: "database (session_events)",
  },
  "history[]": { meaning: "One change: uploaded, inputs corrected, re-processed, archived or restored", unit: "", source: "database" },
  "history[].at": { meaning: "When the change was made (UTC)", unit: "ISO 8601", source: "database" },
  "history[].actor": { meaning: "Who made it (display name, else e-mail); null when pseudonymised", unit: "", source: "database" },
  "history[].kind": { meaning: "uploaded | inputs_corrected | reprocessed | archived | restored", unit: "", source: "database" },
  "history[].changes": {
    meaning: "Per changed input and every score (section.field): the value before (from) and after (to)",
    unit: "",
    source: "database",
  },
  "history[].changes.<id>": { meaning: "One field's change", unit: "", source: "database" },
  "history[].changes.<id>.from": { meaning: "Value before the change", unit: "", source: "database" },
  "history[].changes.<id>.to": { meaning: "Value after the change", unit: "", source: "database" },

  debug: { meaning: "Only with include_debug_info: C3D metadata and file-level warnings (not in the CSV)", unit: "", source: "C3D reader" },
  "debug.<key>": { meaning: "c3d_metadata (processor, rates, labels, INFO/SUBJECTS) or warnings", unit: "", source: "C3D reader" },

  errors: {
    meaning: "Present only when part of the export could not be built: what is missing and why (CSV: export_errors)",
    unit: "",
    source: "export",
  },
  "errors[]": { meaning: "One missing part", unit: "", source: "export" },
  "errors[].section": { meaning: "Section (or field) that is missing", unit: "", source: "export" },
  "errors[].message": { meaning: "Why it is missing", unit: "", source: "export" },
});

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodNullable || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s;
}

function recordKeyName(path: string): string {
  if (path === "scoring_configuration.rpe_mapping") return "<rpe>";
  if (path === "debug") return "<key>";
  return "<id>";
}

/** Every node of the export schema (sections, nested objects, list elements, leaves) by path. */
export function schemaPaths(schema: z.ZodType = sessionExportSchema, path = ""): string[] {
  const s = unwrap(schema);
  const out = path ? [path] : [];
  if (s instanceof z.ZodObject) {
    for (const [key, child] of Object.entries<z.ZodType>(s.shape)) {
      out.push(...schemaPaths(child, path ? `${path}.${key}` : key));
    }
  } else if (s instanceof z.ZodRecord) {
    const value = unwrap(s.valueType as z.ZodType);
    // A record of unknowns (debug) is documented by its key entry alone.
    if (!(value instanceof z.ZodUnknown)) out.push(...schemaPaths(value, `${path}.${recordKeyName(path)}`));
    else out.push(`${path}.${recordKeyName(path)}`);
  } else if (s instanceof z.ZodArray) {
    const element = unwrap(s.element as z.ZodType);
    if (element instanceof z.ZodObject) out.push(...schemaPaths(element, `${path}[]`));
  }
  return out;
}
