/**
 * The CSV column table: a deterministic flattening of the export schema (docs/export.md "CSV").
 *
 * Columns are derived by walking the zod schema, so a field added to the contract gets its column
 * without a second list to keep in sync; only the naming rules below are written by hand.
 * Order: export_timestamp, export_version, session_id, session_*, performance_*, left_muscle_*,
 * right_muscle_*, config_*, processing_*, session_param_*, data_*, quality_status, quality_codes,
 * emg_ch<N>_*, then the two
 * trailing metadata columns export_generator and export_errors.
 */
import { z } from "zod";
import {
  channelSchema,
  complianceBreakdownSchema,
  contractionSchema,
  dataCompletenessSchema,
  performanceScoresSchema,
  processingParametersSchema,
  scoringConfigurationExportSchema,
  sessionParametersSchema,
  sessionSchema,
} from "./schema";

/**
 * How a cell is typed: scalars map 1:1; `int_list` is a list of integers joined with `;`
 * (RPE range values); `codes` is a warning list rendered as its codes joined with `;`;
 * `distinct_codes` is a finding list rendered as its distinct codes, sorted, joined with `;`.
 */
export type CellKind = "number" | "integer" | "boolean" | "string" | "int_list" | "codes" | "distinct_codes";

export interface Column {
  name: string;
  /** Path inside the export object (channel columns: inside one channel, see `channelSlot`). */
  path: string[];
  kind: CellKind;
  /** 1-based channel slot for emg_ch<N>_* columns. */
  channelSlot?: number;
}

interface Leaf {
  path: string[];
  kind: CellKind;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodNullable || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s;
}

function leafKind(schema: z.ZodType): CellKind {
  const s = unwrap(schema);
  if (s instanceof z.ZodNumber) return s.isInt ? "integer" : "number";
  if (s instanceof z.ZodBoolean) return "boolean";
  if (s instanceof z.ZodString || s instanceof z.ZodEnum || s instanceof z.ZodLiteral) return "string";
  throw new Error(`columns: no CSV rendering for schema type ${s._zod.def.type}`);
}

/** Every leaf of an object schema, depth first in declaration order. */
function leaves(schema: z.ZodType, path: string[] = []): Leaf[] {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) {
    return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([key, child]) => leaves(child, [...path, key]));
  }
  if (s instanceof z.ZodArray) {
    const element = unwrap(s.element as z.ZodType);
    if (element instanceof z.ZodObject && "code" in element.shape) return [{ path, kind: "codes" }];
    if (element instanceof z.ZodNumber) return [{ path, kind: "int_list" }];
    throw new Error(`columns: no CSV rendering for the list at ${path.join(".")}`);
  }
  if (s instanceof z.ZodRecord) {
    // The only record in a section is the RPE mapping: Borg CR-10 values 0…10 as keys.
    return Array.from({ length: 11 }, (_, v) => ({ path: [...path, String(v)], kind: "number" as const }));
  }
  return [{ path, kind: leafKind(s) }];
}

function prefixed(prefix: string, key: string): string {
  return key.startsWith(prefix) ? key : prefix + key;
}

function sectionColumns(section: string, schema: z.ZodType, name: (path: string[]) => string): Column[] {
  return leaves(schema).map((leaf) => ({ name: name(leaf.path), path: [section, ...leaf.path], kind: leaf.kind }));
}

function configName(path: string[]): string {
  const [head, ...rest] = path;
  if (head === "weight_completion" || head === "weight_intensity" || head === "weight_duration") return `config_sub_${head}`;
  if (head === "rpe_mapping") return `config_rpe_mapping_${rest.join("_")}`;
  if (head === "rpe_mapping_formatted") {
    // rpe_mapping_formatted.scale → config_rpe_scale; .ranges.optimal.score → config_rpe_optimal_score
    return rest[0] === "ranges" ? `config_rpe_${rest.slice(1).join("_")}` : `config_rpe_${rest.join("_")}`;
  }
  return `config_${path.join("_")}`;
}

const metadataColumns: Column[] = [
  { name: "export_timestamp", path: ["export_metadata", "export_timestamp"], kind: "string" },
  { name: "export_version", path: ["export_metadata", "export_version"], kind: "string" },
  { name: "session_id", path: ["export_metadata", "session_id"], kind: "string" },
];

const trailingColumns: Column[] = [
  { name: "export_generator", path: ["export_metadata", "generator"], kind: "string" },
  // The export's `errors` list as "section: message" entries joined with " | " (empty when none).
  { name: "export_errors", path: ["errors"], kind: "string" },
];

const performanceColumns = sectionColumns("performance_scores", performanceScoresSchema, (p) => `performance_${p.join("_")}`);
const configColumns = sectionColumns("scoring_configuration", scoringConfigurationExportSchema, configName);

const fullSessionColumns: Column[] = [
  ...metadataColumns,
  ...sectionColumns("session", sessionSchema, (p) => prefixed("session_", p.join("_"))),
  ...performanceColumns,
  ...leaves(complianceBreakdownSchema).map((leaf) => ({
    name: leaf.path.join("_"),
    path: ["compliance_breakdown", ...leaf.path],
    kind: leaf.kind,
  })),
  ...configColumns,
  ...sectionColumns("processing_parameters", processingParametersSchema, (p) => prefixed("processing_", p.join("_"))),
  ...sectionColumns("session_parameters", sessionParametersSchema, (p) => `session_param_${p.join("_")}`),
  ...sectionColumns("data_completeness", dataCompletenessSchema, (p) => `data_${p.join("_")}`),
  // data_quality in two cells: its status and which checks fired (the messages stay in the JSON).
  { name: "quality_status", path: ["data_quality", "status"], kind: "string" },
  { name: "quality_codes", path: ["data_quality", "findings"], kind: "distinct_codes" },
];

const channelLeaves: Leaf[] = [{ path: ["channel_id"], kind: "string" }, ...leaves(channelSchema)];

/** Columns of one channel slot; `emg_ch<N>_channel_id` names the channel the slot holds. */
export function channelColumns(slot: number): Column[] {
  return channelLeaves.map((leaf) => ({
    name: `emg_ch${slot}_${leaf.path.join("_")}`,
    path: leaf.path,
    kind: leaf.kind,
    channelSlot: slot,
  }));
}

/** GHOSTLY sessions have two muscles (left CH1, right CH2): the batch CSV always has these slots. */
export const DEFAULT_CHANNEL_SLOTS = 2;

/**
 * The column table of the one-row / batch CSV.
 * @param channelSlots number of emg_ch<N>_* slot groups (default 2)
 * @param minimal the `USE_ENHANCED_EXPORT=false` shape: metadata, performance_*, config_* only
 */
export function exportColumns(channelSlots = DEFAULT_CHANNEL_SLOTS, minimal = false): readonly Column[] {
  const key = minimal ? -1 : channelSlots;
  let columns = columnCache.get(key);
  if (!columns) {
    const channels: Column[] = [];
    for (let slot = 1; slot <= channelSlots; slot++) channels.push(...channelColumns(slot));
    columns = minimal
      ? [...metadataColumns, ...performanceColumns, ...configColumns, ...trailingColumns]
      : [...fullSessionColumns, ...channels, ...trailingColumns];
    columnCache.set(key, columns);
  }
  return columns;
}

// The table is rebuilt per row otherwise: a batch of 10,000 rows asks for the same one each time.
const columnCache = new Map<number, readonly Column[]>();

/** Columns of the contractions CSV: session_id, then the contraction fields (channel, index first). */
export const contractionColumns: Column[] = [
  { name: "session_id", path: ["session_id"], kind: "string" },
  ...leaves(contractionSchema).map((leaf) => ({ name: leaf.path.join("_"), path: leaf.path, kind: leaf.kind })),
];
