/** Loading the shared fixtures and their reference readings (test-only). */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const FIXTURE_DIR = fileURLToPath(new URL("../../fixtures/c3d/", import.meta.url));
export const REFERENCE_DIR = fileURLToPath(new URL("../../fixtures/reference/c3d/", import.meta.url));

export const fixtureNames = (): string[] =>
  readdirSync(FIXTURE_DIR)
    .filter((f) => /\.c3d$/i.test(f))
    .sort();

export const fixtureBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(FIXTURE_DIR + name));

export interface ReferenceStats {
  n_samples: number;
  sum: number;
  sum_sq: number;
  min: number;
  max: number;
  first5: (number | null)[];
  last5: (number | null)[];
}

export interface ReferencePoint {
  index: number;
  label: string;
  first_frame_xyz_residual: (number | null)[];
  n_valid: number;
  x: { sum: number; sum_sq: number };
  y: { sum: number; sum_sq: number };
  z: { sum: number; sum_sq: number };
  first_frame_residual_spec: number;
  residual_sum_spec: number;
  residual_sum: number;
}

export interface ReferenceParameter {
  name: string;
  type: "CHAR" | "BYTE" | "INT" | "FLOAT";
  dimension: number[];
  description: string;
  values: (string | number | null)[];
  values_in_file?: (string | number | null)[];
  in_file?: boolean;
}

export interface Reference {
  file: string;
  primary_reader: string;
  disagreements: string[];
  explanations: string[];
  summary: Record<string, unknown> & { frame_count_source_spec: string };
  reference: {
    groups: { name: string; description: string; locked: boolean; parameters: ReferenceParameter[] }[];
    analog_labels: string[];
    analogs: { index: number; label: string; stats: ReferenceStats }[];
    point_labels: string[];
    n_point_frames: number;
    points: ReferencePoint[];
  };
}

export const loadReference = (name: string): Reference => JSON.parse(readFileSync(`${REFERENCE_DIR}${name}.json`, "utf8")) as Reference;
