/** Server configuration: defaults, and a bad value stops start-up naming the variable and the rule. */
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, storageKind } from "~/lib/server/http/config.server";

function issuesOf(env: Record<string, string>) {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("has working defaults for an empty environment (embedded database, ./data, port 3000)", () => {
    expect(parseConfig({})).toEqual({
      DATA_DIR: "./data",
      DATABASE_URL: undefined,
      PORT: 3000,
      HOST: undefined,
      TRUST_PROXY: 0,
      SESSION_SECRET: undefined,
      MAX_UPLOAD_MB: 100,
      USE_ENHANCED_EXPORT: true,
      SUPABASE_URL: undefined,
      SUPABASE_SERVICE_ROLE_KEY: undefined,
      SUPABASE_STORAGE_BUCKET: undefined,
      S3_ENDPOINT: undefined,
      S3_BUCKET: undefined,
      S3_REGION: undefined,
      S3_ACCESS_KEY_ID: undefined,
      S3_SECRET_ACCESS_KEY: undefined,
      S3_FORCE_PATH_STYLE: false,
    });
    expect(storageKind(parseConfig({}))).toBe("local");
  });

  it("reads valid values and treats empty strings as unset", () => {
    const config = parseConfig({
      DATA_DIR: "/var/lib/ghostly",
      DATABASE_URL: "postgresql://app:pw@db.example.org:5432/ghostly",
      PORT: "8080",
      MAX_UPLOAD_MB: "250",
      USE_ENHANCED_EXPORT: "off",
      SESSION_SECRET: "x".repeat(32),
      HOST: "",
      TRUST_PROXY: "2",
    });
    expect(config).toMatchObject({ PORT: 8080, MAX_UPLOAD_MB: 250, USE_ENHANCED_EXPORT: false, HOST: undefined, TRUST_PROXY: 2 });
  });

  it.each([
    ["PORT", "eighty", /port number/],
    ["PORT", "70000", /between 1 and 65535/],
    ["MAX_UPLOAD_MB", "-5", /positive/],
    ["SESSION_SECRET", "too-short", /at least 32 characters/],
    ["DATABASE_URL", "mysql://localhost/db", /postgres:\/\//],
    ["USE_ENHANCED_EXPORT", "maybe", /true or false/],
    ["SUPABASE_URL", "not a url", /http\(s\) URL/],
    ["TRUST_PROXY", "yes", /number of reverse proxies/],
    ["TRUST_PROXY", "1.5", /whole number/],
    ["TRUST_PROXY", "-1", /between 0 and 10/],
    ["S3_ENDPOINT", "ftp://minio.local", /http\(s\) URL/],
    ["S3_BUCKET", "Upper_Case", /S3 bucket name/],
    ["S3_REGION", "EU West", /region name/],
    ["S3_FORCE_PATH_STYLE", "sometimes", /true or false/],
  ])("names %s when it is %j", (variable, value, rule) => {
    const issues = issuesOf({ [variable]: value });
    expect(issues.map((i) => i.variable)).toContain(variable);
    expect(issues.find((i) => i.variable === variable)?.message).toMatch(rule);
  });

  it("lists every bad variable in one error message", () => {
    expect(() => parseConfig({ PORT: "0", SESSION_SECRET: "short" })).toThrow(
      /invalid configuration:\n {2}PORT: .*\n {2}SESSION_SECRET: must be at least 32 characters/,
    );
  });

  it("wants the Supabase storage settings all together or not at all", () => {
    const issues = issuesOf({ SUPABASE_URL: "https://abc.supabase.co" });
    expect(issues.map((i) => i.variable).sort()).toEqual(["SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_STORAGE_BUCKET"]);
    expect(issues[0].message).toMatch(/SUPABASE_URL is/);
    expect(
      parseConfig({ SUPABASE_URL: "https://abc.supabase.co", SUPABASE_SERVICE_ROLE_KEY: "k", SUPABASE_STORAGE_BUCKET: "c3d" })
        .SUPABASE_STORAGE_BUCKET,
    ).toBe("c3d");
  });

  it("selects S3 storage by S3_BUCKET, wants both keys or neither, and one object storage only", () => {
    const s3 = parseConfig({
      S3_ENDPOINT: "https://abc.supabase.co/storage/v1/s3",
      S3_BUCKET: "c3d-files",
      S3_REGION: "eu-central-1",
      S3_ACCESS_KEY_ID: "id",
      S3_SECRET_ACCESS_KEY: "secret",
      S3_FORCE_PATH_STYLE: "true",
    });
    expect(storageKind(s3)).toBe("s3");
    expect(s3).toMatchObject({ S3_BUCKET: "c3d-files", S3_FORCE_PATH_STYLE: true });
    expect(storageKind(parseConfig({ S3_BUCKET: "c3d-files" }))).toBe("s3"); // AWS's default credential chain

    expect(issuesOf({ S3_ENDPOINT: "http://127.0.0.1:9000" }).map((i) => i.variable)).toEqual(["S3_BUCKET"]);
    const half = issuesOf({ S3_BUCKET: "c3d-files", S3_ACCESS_KEY_ID: "id" });
    expect(half.map((i) => i.variable)).toEqual(["S3_SECRET_ACCESS_KEY"]);
    expect(half[0].message).toMatch(/S3_ACCESS_KEY_ID is \(both or neither\)/);
    const both = issuesOf({
      S3_BUCKET: "c3d-files",
      SUPABASE_URL: "https://abc.supabase.co",
      SUPABASE_SERVICE_ROLE_KEY: "k",
      SUPABASE_STORAGE_BUCKET: "c3d",
    });
    expect(both.map((i) => i.variable)).toEqual(["S3_BUCKET"]);
    expect(both[0].message).toMatch(/configure one/);
  });
});
