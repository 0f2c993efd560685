/**
 * analyzeC3d's `fileSha256` option: a caller that already holds the file's digest (the storage key
 * of a stored file) passes it in instead of having the file hashed again.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ParameterError, analyzeC3d } from "~/lib/analysis";

const bytes = new Uint8Array(readFileSync(new URL("../../fixtures/c3d/EMG_Data_Cometa.c3d", import.meta.url)));
// This Cometa file labels its muscles by name; the two picked here make it a two-muscle analysis.
const channels = { left: "R.VLO", right: "R.VMO" };

describe("analyzeC3d fileSha256", () => {
  it("uses a given digest as session.file_sha256 and leaves every other section unchanged", () => {
    const digest = createHash("sha256").update(bytes).digest("hex");
    const given = analyzeC3d(bytes, { channels, fileSha256: digest });
    const computed = analyzeC3d(bytes, { channels });
    expect(computed.session.file_sha256).toBe(digest);
    expect(given).toEqual(computed);
  });

  it("does not recompute it: a digest of other bytes is reported as given", () => {
    const other = "ab".repeat(32);
    expect(analyzeC3d(bytes, { channels, fileSha256: other }).session.file_sha256).toBe(other);
  });

  it.each(["", "AB".repeat(32), "ab".repeat(31), `${"ab".repeat(32)}0`, "zz".repeat(32)])(
    "rejects %j: not 64 lowercase hex digits",
    (digest) => {
      const call = () => analyzeC3d(bytes, { channels, fileSha256: digest });
      expect(call).toThrow(ParameterError);
      expect(call).toThrow(/^file_sha256: must be a sha256 digest of 64 lowercase hex digits/);
    },
  );
});
