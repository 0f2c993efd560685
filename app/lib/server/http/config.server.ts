/**
 * Server configuration, read once from process.env and validated. A bad value stops start-up with
 * a ConfigError naming every bad variable and the rule it breaks.
 */
import { z } from "zod";

const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);

const booleanFlag = z.preprocess(
  emptyToUndefined,
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], {
      error: "must be true or false (or 1/0, yes/no, on/off)",
    })
    .optional(),
);

const configSchema = z
  .object({
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().default("./data")),
    DATABASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^postgres(ql)?:\/\/.+/, { error: "must be a postgres:// or postgresql:// connection URL" })
        .optional(),
    ),
    PORT: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ error: "must be a port number" })
        .int({ error: "must be an integer port number" })
        .min(1, { error: "must be between 1 and 65535" })
        .max(65535, { error: "must be between 1 and 65535" })
        .default(3000),
    ),
    HOST: z.preprocess(emptyToUndefined, z.string().optional()),
    TRUST_PROXY: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ error: "must be the number of reverse proxies in front of the app (0 when clients connect directly)" })
        .int({ error: "must be a whole number of proxies" })
        .min(0, { error: "must be between 0 and 10" })
        .max(10, { error: "must be between 0 and 10" })
        .default(0),
    ),
    SESSION_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, { error: "must be at least 32 characters" }).optional()),
    MAX_UPLOAD_MB: z.preprocess(
      emptyToUndefined,
      z.coerce
        .number({ error: "must be a number of megabytes" })
        .positive({ error: "must be a positive number of megabytes" })
        .max(2048, { error: "must be at most 2048" })
        .default(100),
    ),
    USE_ENHANCED_EXPORT: booleanFlag.transform((value) => value === undefined || ["true", "1", "yes", "on"].includes(value)),
    SUPABASE_URL: z.preprocess(emptyToUndefined, z.url({ error: "must be an http(s) URL" }).optional()),
    SUPABASE_SERVICE_ROLE_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
    SUPABASE_STORAGE_BUCKET: z.preprocess(emptyToUndefined, z.string().optional()),
    S3_ENDPOINT: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
    S3_BUCKET: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be an S3 bucket name (3-63 of a-z, 0-9, '.', '-')" })
        .optional(),
    ),
    S3_REGION: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[a-z0-9-]+$/, { error: "must be a region name like us-east-1" })
        .optional(),
    ),
    S3_ACCESS_KEY_ID: z.preprocess(emptyToUndefined, z.string().optional()),
    S3_SECRET_ACCESS_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
    S3_FORCE_PATH_STYLE: booleanFlag.transform((value) => value !== undefined && ["true", "1", "yes", "on"].includes(value)),
  })
  .superRefine((config, ctx) => {
    const s3Set = S3_VARIABLES.filter((key) => config[key] !== undefined);
    if (s3Set.length > 0 && config.S3_BUCKET === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["S3_BUCKET"],
        message: `must be set because ${s3Set.join(", ")} ${s3Set.length === 1 ? "is" : "are"} (S3 storage needs a bucket)`,
      });
    }
    const keys = ["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const;
    const keysSet = keys.filter((key) => config[key] !== undefined);
    if (keysSet.length === 1) {
      const missing = keys.find((key) => config[key] === undefined)!;
      ctx.addIssue({ code: "custom", path: [missing], message: `must be set because ${keysSet[0]} is (both or neither)` });
    }
    if (config.S3_BUCKET !== undefined && config.SUPABASE_URL !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["S3_BUCKET"],
        message: "and SUPABASE_URL both choose the object storage: configure one (for Supabase, prefer its S3 endpoint)",
      });
    }
    const supabase = ["SUPABASE_URL", "SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_STORAGE_BUCKET"] as const;
    const set = supabase.filter((key) => config[key] !== undefined);
    if (set.length > 0 && set.length < supabase.length) {
      for (const key of supabase.filter((k) => config[k] === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `must be set because ${set.join(", ")} ${set.length === 1 ? "is" : "are"} (Supabase storage needs all three or none)`,
        });
      }
    }
  });

export type Config = z.infer<typeof configSchema>;

/** The variables of the S3 adapter (README, docs/deployment.md). */
export const S3_VARIABLES = ["S3_ENDPOINT", "S3_BUCKET", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const;

export interface ConfigIssue {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly issues: ConfigIssue[]) {
    super(`invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join("\n")}`);
  }
}

/** Pure: validates an environment object (tests pass their own). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? "environment"), message: issue.message })));
}

// Kept on globalThis like the database and the storage: one validated configuration per process.
// (tests/support/config.ts clears it to re-read a changed process.env.)
const globalKey = Symbol.for("ghostly.config");
type GlobalWithConfig = typeof globalThis & { [globalKey]?: Config };

/** The process configuration, validated on first use. */
export function getConfig(): Config {
  const g = globalThis as GlobalWithConfig;
  g[globalKey] ??= parseConfig(process.env);
  return g[globalKey];
}

export type StorageKind = "local" | "s3" | "supabase";

/** Where raw C3D files go: an S3 bucket, a Supabase Storage bucket, or DATA_DIR/uploads. */
export function storageKind(config: Config = getConfig()): StorageKind {
  if (config.S3_BUCKET !== undefined) return "s3";
  return config.SUPABASE_URL !== undefined ? "supabase" : "local";
}
