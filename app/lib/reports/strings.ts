/**
 * Every word the PDF reports and the workbooks print, in one place, so the interface-languages
 * work (issue 17) can translate them without touching the renderers. English only for now.
 *
 * The PDFs use the standard PDF fonts (WinAnsi): µ, –, —, ·, × and é are fine; ≥, ≤, Σ, ₁ and
 * superscript minus are not, so the wording spells them out ("90 and above", "sum").
 */
import type { Category } from "~/lib/domain";
import type { ScoreComponent } from "~/lib/scoring";

export const EMPTY = "—";

const CATEGORY: Record<Category, string> = {
  target_achieved: "Target achieved",
  adequate: "Adequate",
  below_target: "Below target",
  poor: "Poor",
  inadequate: "Inadequate",
};

const COMPONENT: Record<ScoreComponent, string> = {
  compliance: "compliance",
  symmetry: "symmetry",
  effort: "effort",
  game: "game",
};

const MVC_SOURCE: Record<string, string> = {
  upload: "given with the upload",
  patient: "patient's stored MVC",
  peak_in_task: "peak of this recording",
};

const TIMING_SOURCE: Record<string, string> = {
  activated: "device activation channel",
  envelope: "RMS envelope",
};

const SIDE: Record<string, string> = { left: "Left", right: "Right" };

export const STRINGS = {
  app: "GHOSTLY+ EMG",
  sessionTitle: "EMG session report",
  patientTitle: "EMG progress report",
  header: {
    patient: "Patient",
    session: "Session",
    recordedAt: "Recorded at",
    therapist: "Therapist",
    sourceFile: "Source file",
    game: "Game",
    exportedAt: "Exported at",
    period: "Period",
    sessions: "Sessions",
  },
  recordedAtNote: "(clinic wall-clock time)",
  scores: {
    heading: "Scores",
    overall: "Overall score",
    compliance: "Compliance",
    symmetry: "Symmetry",
    effort: "Effort",
    game: "Game",
    scale: "out of 100",
    notScored: "Not scored",
    formulaHeading: "How the overall score is made up",
    formulaIntro: "Overall = BFR gate × (sum of weight × score) / (sum of the weights), over the components the session has:",
    bandsHeading: "Categories:",
    componentHelp: {
      compliance: "mean of the left and right muscle compliance",
      symmetry: "100 × (1 - |left - right| / (left + right)) of the muscle compliances",
      effort: "the RPE mapping's score for the post-session RPE",
      game: "100 × points / maximum points",
    } satisfies Record<ScoreComponent, string>,
  },
  legs: {
    heading: "Per muscle",
    muscle: "Muscle",
    channel: "Channel",
    contractions: "Contractions (expected)",
    good: "Good contractions",
    intensityCompliant: "Meeting intensity",
    durationCompliant: "Meeting duration",
    completionRate: "Completion rate",
    intensityRate: "Intensity rate",
    durationRate: "Duration rate",
    compliance: "Muscle compliance",
    complianceFormula: "= 100 × (completion, intensity, duration)",
    mvc: "MVC",
    mvcSource: "MVC source",
    threshold: "Intensity threshold",
    targetDuration: "Target duration",
    timing: "Contractions timed by",
    mpf: "Mean power frequency",
    mdf: "Median frequency",
    fatigue: "Fatigue index FI_nsm5",
    rejected: "rejected",
  },
  plot: {
    heading: (label: string) => `RMS envelope — ${label}`,
    time: "time (s)",
    amplitude: "RMS (µV)",
    envelope: "RMS envelope",
    threshold: (percent: string, value: string) => `intensity threshold (${percent} % MVC = ${value})`,
    good: "good contraction",
    notGood: "contraction not meeting both targets",
    noSignal: "The export has no envelope of this channel.",
  },
  contractions: {
    heading: "Contractions",
    index: "#",
    start: "Start s",
    duration: "Duration ms",
    peak: "Peak µV",
    mean: "Mean µV",
    percentMvc: "% MVC",
    intensity: "Int.",
    durationOk: "Dur.",
    good: "Good",
    none: "No contractions.",
    legend: "Int. = meets the intensity threshold, Dur. = meets the target duration, Good = both.",
  },
  quality: {
    heading: "Data quality",
    status: "Status",
    severity: "Severity",
    channel: "Channel",
    code: "Code",
    finding: "Finding",
    value: "Value",
    limit: "Limit",
    session: "session",
    noFindings: "No findings.",
  },
  processing: {
    heading: "Processing (ISEK reporting terms)",
    version: "Processing version",
    samplingRate: "Sampling rate",
    filter: "Band-pass filter",
    filterText: (order: string, low: string, high: string, requested: string | null) =>
      `Butterworth, order ${order}, ${low}–${high} Hz, applied forward and backward (zero phase)` +
      (requested ? `; ${requested} Hz was asked for, limited to 0.95 × Nyquist` : ""),
    envelope: "Amplitude envelope",
    envelopeText: (window: string, overlap: string) => `RMS, window ${window} ms, overlap ${overlap} %`,
    mvc: "Normalisation (MVC)",
    mvcText: (percent: string, sources: string) => `intensity threshold ${percent} % of MVC; MVC: ${sources}`,
    detection: "Contraction detection",
    detectionText: (factor: string, activated: string, gap: string, min: string) =>
      `envelope above ${factor} × MVC, or the device activation channel above ${activated} × its maximum; gaps under ${gap} ms merged; shorter than ${min} ms dropped`,
    spectral: "Spectral analysis",
    spectralText: (samples: string, ms: string, overlap: string) =>
      `Welch power spectrum, periodic Hann window of ${samples} samples (${ms} ms), ${overlap} % overlap; mean and median frequency, fatigue index FI_nsm5 (Dimitrov et al. 2006)`,
  },
  errors: {
    heading: "Parts of the export that could not be built",
  },
  footer: (version: string, generator: string, sha: string, page: number, pages: number) =>
    `export_version ${version} · ${generator} · file sha256 ${sha} · page ${page}/${pages}`,
  patientFooter: (version: string, generator: string, patient: string, page: number, pages: number) =>
    `export_version ${version} · ${generator} · patient ${patient} · page ${page}/${pages}`,
  patient: {
    trendsHeading: "Trends per session",
    scoresPlot: "Scores (0–100)",
    mvcPlot: "MVC per muscle (µV)",
    frequencyPlot: "Mean and median power frequency per muscle (Hz)",
    fatiguePlot: (scale: string) => `Fatigue index FI_nsm5 per muscle (× ${scale})`,
    countsPlot: "Contractions per muscle",
    sessionAxis: "session (numbered as in the table)",
    sessionsHeading: "Sessions",
    number: "No.",
    overallShort: "Overall",
    complianceShort: "Compl.",
    symmetryShort: "Symm.",
    effortShort: "Effort",
    date: "Recorded",
    session: "Session",
    category: "Category",
    contractions: "Contractions L / R",
    good: "Good L / R",
    mvc: "MVC L / R (µV)",
    quality: "Quality",
    noSessions: "No sessions in this period.",
    all: "all sessions",
    from: "from",
    to: "to",
    leftSeries: (what: string) => `${what} left`,
    rightSeries: (what: string) => `${what} right`,
    mpf: "MPF",
    mdf: "MDF",
    fi: "FI",
    mvc_: "MVC",
    count: "contractions",
    goodCount: "good",
  },
  category: (c: Category | null): string => (c ? CATEGORY[c] : STRINGS.scores.notScored),
  component: (c: ScoreComponent): string => COMPONENT[c],
  mvcSource: (s: string | null): string => (s ? (MVC_SOURCE[s] ?? s) : EMPTY),
  timingSource: (s: string | null): string => (s ? (TIMING_SOURCE[s] ?? s) : EMPTY),
  side: (s: string | null, fallback: string): string => (s ? (SIDE[s] ?? s) : fallback),
  yesNo: (b: boolean): string => (b ? "yes" : "no"),
  bfr: {
    label: "BFR cuff pressure",
    inRange: (p: string, min: string, max: string) => `${p} % AOP, inside ${min}–${max} % AOP: gate 1`,
    outOfRange: (p: string, min: string, max: string) => `${p} % AOP, outside ${min}–${max} % AOP: gate 0, the overall score is 0`,
    unknown: "not recorded: gate 1",
  },
  missing: {
    muscle: "Not scored: a muscle has no compliance (missing or rejected channel), so the session has no overall score.",
    weights: "Not scored: the weights of the known components sum to 0.",
    dropped: (names: string) => `No score for ${names}: its weight is shared out among the others.`,
  },
  effortDetail: (rpe: string) => `RPE ${rpe}`,
  gameDetail: (points: string, max: string) => `${points} of ${max} points`,
  band: (name: string, min: string, max: string | null) => (max === null ? `${name} ${min}–100` : `${name} ${min} to under ${max}`),
} as const;
