/**
 * fieldError: every error an upload can cause, raised by the real reader, pipeline and option
 * parser, lands on the field it concerns with its status, a form message and an API message.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzeC3d, fieldError, isInputError, parseAnalysisOptions } from "~/lib/analysis";
import { DEFAULT_SCORING_CONFIGURATION } from "~/lib/scoring";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/c3d/${name}`, import.meta.url)));

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

function mapped(run: () => unknown, fileName?: string) {
  const error = thrown(run);
  if (!isInputError(error)) throw error;
  return fieldError(error, fileName);
}

describe("fieldError", () => {
  it("puts a parameter's rule beside its field without repeating the name; the API keeps the name", () => {
    expect(mapped(() => parseAnalysisOptions({ rpe_post_session: "12" }))).toEqual({
      status: 400,
      field: "rpe_post_session",
      message: "must be between 0 and 10",
      detail: "rpe_post_session: must be between 0 and 10",
    });
  });

  it("names the scoring configuration field a bad configuration breaks", () => {
    const scoring = { ...DEFAULT_SCORING_CONFIGURATION, name: " " };
    const error = mapped(() => analyzeC3d(fixture("Ghostly_Emg_20230321_17-50-17-0881.c3d"), { scoring }));
    expect(error).toMatchObject({ status: 400, field: "scoring.name", message: "must not be empty" });
  });

  it("reports bytes that are not C3D on the file field (422), as one sentence, with the byte offset", () => {
    const error = mapped(() => analyzeC3d(new Uint8Array(100)), "notes.c3d");
    expect(error).toMatchObject({ status: 422, field: "file" });
    expect(error.message).toMatch(/^"notes\.c3d" cannot be read as C3D: C3D \S+ at byte \d+: .*[^.]\.$/);
    expect(error.detail).toMatch(/^notes\.c3d: C3D \S+ at byte \d+/);
  });

  it("reports a valid C3D the pipeline cannot analyse on the file field with the analysis' status", () => {
    const error = mapped(() => analyzeC3d(fixture("mocap36.c3d")), "mocap36.c3d");
    expect(error).toMatchObject({ status: 422, field: "file" });
    expect(error.message).toMatch(/^"mocap36\.c3d": the file has no analog data/);
    expect(error.detail).toMatch(/^mocap36\.c3d: the file has no analog data/);
  });

  it("is not an input error when the app itself fails", () => {
    expect(isInputError(new TypeError("x is undefined"))).toBe(false);
  });
});
