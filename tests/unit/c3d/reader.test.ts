/** The reader on hand-built files: every expected value follows from the bytes the test wrote. */
import { describe, expect, it } from "vitest";
import { readC3d, C3dError, getParameter } from "~/lib/c3d";
import { decFloatFromBits, readDecFloat } from "~/lib/c3d/dec";
import { analogOnlyFile, buildC3d, encodeDecFloatBits, type BuildParameter } from "./builder";

const codes = (file: { warnings: { code: string }[] }) => file.warnings.map((w) => w.code);

function expectC3dError(bytes: Uint8Array, code: string, offset?: number): C3dError {
  try {
    readC3d(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(C3dError);
    const e = error as C3dError;
    expect(e.code).toBe(code);
    if (offset !== undefined) expect(e.offset).toBe(offset);
    expect(e.message).toContain(`at byte ${e.offset}`);
    return e;
  }
  throw new Error(`expected C3dError ${code}`);
}

describe("DEC float conversion", () => {
  it.each([
    // 1.0 = 0.5·2^1: VAX exponent 129, fraction 0 → word0 0x4080, word1 0 (file bytes 80 40 00 00)
    [0x40800000, 1],
    // −2.5 = −0.625·2^2: sign, exponent 130, fraction .01 → word0 0xC120; as IEEE that is −10, ÷4
    [0xc1200000, -2.5],
    // exponent 0, sign clear: true zero whatever the fraction
    [0x00000000, 0],
    [0x00123456, 0],
    // exponent 255 (Inf/NaN in IEEE) is an ordinary VAX number: 0.5·2^(255−128) = 2^126
    [0x7f800000, 2 ** 126],
    // smallest normal VAX number: 0.5·2^(1−128) = 2^−128 (an IEEE subnormal after ÷4)
    [0x00800000, 2 ** -128],
  ])("bits %s → %d", (bits, expected) => {
    expect(decFloatFromBits(bits)).toBe(expected);
  });

  it("maps the reserved operand (sign set, exponent 0) to NaN", () => {
    expect(decFloatFromBits(0x80000000)).toBeNaN();
  });

  it("reads the word-swapped byte order of a file", () => {
    // 1.0 as stored in a DEC file: word0 0x4080 little-endian, then word1 0
    expect(readDecFloat(new Uint8Array([0x80, 0x40, 0x00, 0x00]), 0)).toBe(1);
    // −2.5: word0 0xC120 → bytes 20 C1, word1 0
    expect(readDecFloat(new Uint8Array([0x20, 0xc1, 0x00, 0x00]), 0)).toBe(-2.5);
  });

  it("round-trips float32 values through the test encoder", () => {
    for (const v of [0.1, -123.456, 3.0e-30, 1.5e37, Math.fround(Math.PI)]) {
      expect(decFloatFromBits(encodeDecFloatBits(v))).toBe(Math.fround(v));
    }
  });
});

describe("processor types and storage", () => {
  // One point, one analog channel, two samples per frame; 2 frames.
  const parameters: BuildParameter[] = [
    { group: "POINT", name: "USED", type: 2, values: [1] },
    { group: "POINT", name: "SCALE", type: 4, values: [0.5] },
    { group: "POINT", name: "RATE", type: 4, values: [50] },
    { group: "POINT", name: "FRAMES", type: 2, values: [2] },
    { group: "POINT", name: "LABELS", type: -1, values: ["HEEL"] },
    { group: "ANALOG", name: "USED", type: 2, values: [1] },
    { group: "ANALOG", name: "LABELS", type: -1, values: ["EMG"] },
    { group: "ANALOG", name: "SCALE", type: 4, values: [0.25] },
    { group: "ANALOG", name: "OFFSET", type: 2, values: [10] },
    { group: "ANALOG", name: "GEN_SCALE", type: 4, values: [2] },
    { group: "ANALOG", name: "RATE", type: 4, values: [100] },
  ];
  // residual word 0x0310: camera mask 3, residual 16 (× |POINT:SCALE| = 8)
  const data = [2, 4, 6, 0x0310, 110, 130, -8, -6, -4, -1, 90, 70];
  const common = { pointCount: 1, analogWordsPerFrame: 2, analogSamplesPerFrame: 2, firstFrame: 1, lastFrame: 2, parameters, data };

  describe.each(["INTEL", "DEC", "MIPS"] as const)("%s", (processor) => {
    it("integer storage: coordinates × |scale|, residual from the low byte, analog (raw − OFFSET)·SCALE·GEN_SCALE", () => {
      const file = readC3d(buildC3d({ ...common, processor, scale: 0.5 }));
      expect(file.processorType).toBe(processor);
      expect(file.dataType).toBe("int");
      expect(Array.from(file.points.x[0])).toEqual([1, Number.NaN]);
      expect(Array.from(file.points.y[0])).toEqual([2, Number.NaN]);
      expect(Array.from(file.points.z[0])).toEqual([3, Number.NaN]);
      expect(Array.from(file.points.residual[0])).toEqual([8, -1]); // 16 × 0.5; −1 marks invalid
      expect(Array.from(file.points.cameraMask[0])).toEqual([3, 0]);
      // (110−10)·0.25·2 = 50, (130−10)·0.25·2 = 60, (90−10)·0.5 = 40, (70−10)·0.5 = 30
      expect(Array.from(file.analog.channels[0])).toEqual([50, 60, 40, 30]);
      expect(file.points.labels).toEqual(["HEEL"]);
      expect(file.analog.labels).toEqual(["EMG"]);
      expect(file.pointRate).toBe(50);
      expect(file.analog.rate).toBe(100);
      expect(file.warnings).toEqual([]);
    });

    it("float storage: coordinates as stored, the residual word is the same integer as a float", () => {
      const file = readC3d(
        buildC3d({
          ...common,
          processor,
          scale: -0.5,
          parameters: parameters.map((p) => (p.name === "SCALE" && p.group === "POINT" ? { ...p, values: [-0.5] } : p)),
        }),
      );
      expect(file.dataType).toBe("float");
      expect(Array.from(file.points.x[0])).toEqual([2, Number.NaN]);
      expect(Array.from(file.points.residual[0])).toEqual([8, -1]);
      expect(Array.from(file.analog.channels[0])).toEqual([50, 60, 40, 30]);
    });
  });

  it("ANALOG:FORMAT UNSIGNED reads integer samples and OFFSET as uint16", () => {
    // raw 65000 is stored as int16 −536; OFFSET −32768 as uint16 is 32768 → (65000 − 32768)·1·1
    const file = readC3d(
      analogOnlyFile(1, { data: [65000 - 65536] }, [
        { group: "ANALOG", name: "FORMAT", type: -1, values: ["UNSIGNED"] },
        { group: "ANALOG", name: "OFFSET", type: 2, values: [-32768] },
        { group: "ANALOG", name: "SCALE", type: 4, values: [1] },
        { group: "ANALOG", name: "GEN_SCALE", type: 4, values: [1] },
      ]),
    );
    expect(file.analog.unsigned).toBe(true);
    expect(Array.from(file.analog.channels[0])).toEqual([65000 - 32768]);
  });

  it("without FORMAT the same bytes are signed: (−536 − (−32768))", () => {
    const file = readC3d(analogOnlyFile(1, { data: [-536] }, [{ group: "ANALOG", name: "OFFSET", type: 2, values: [-32768] }]));
    expect(file.analog.unsigned).toBe(false);
    expect(Array.from(file.analog.channels[0])).toEqual([-536 + 32768]);
  });

  it("continues LABELS/SCALE/OFFSET/UNITS in LABELS2, SCALE2…", () => {
    const file = readC3d(
      buildC3d({
        scale: 1,
        analogWordsPerFrame: 3,
        analogSamplesPerFrame: 1,
        lastFrame: 1,
        data: [10, 20, 30],
        parameters: [
          { group: "ANALOG", name: "USED", type: 2, values: [3] },
          { group: "ANALOG", name: "LABELS", type: -1, values: ["A", "B"] },
          { group: "ANALOG", name: "LABELS2", type: -1, values: ["C"] },
          { group: "ANALOG", name: "UNITS", type: -1, values: ["V"] },
          { group: "ANALOG", name: "UNITS2", type: -1, values: ["mV", "uV"] },
          { group: "ANALOG", name: "DESCRIPTIONS", type: -1, values: ["left"] },
          { group: "ANALOG", name: "DESCRIPTIONS2", type: -1, values: ["right", "both"] },
          { group: "ANALOG", name: "SCALE", type: 4, values: [1, 2] },
          { group: "ANALOG", name: "SCALE2", type: 4, values: [3] },
          { group: "ANALOG", name: "OFFSET", type: 2, values: [0] },
          { group: "ANALOG", name: "OFFSET2", type: 2, values: [5, 10] },
          { group: "ANALOG", name: "GEN_SCALE", type: 4, values: [1] },
        ],
      }),
    );
    expect(file.analog.labels).toEqual(["A", "B", "C"]);
    expect(file.analog.units).toEqual(["V", "mV", "uV"]);
    expect(file.analog.descriptions).toEqual(["left", "right", "both"]);
    // (10−0)·1, (20−5)·2, (30−10)·3
    expect(file.analog.channels.map((c) => c[0])).toEqual([10, 30, 60]);
  });

  it("decodes text as UTF-8 when it is valid UTF-8, else Latin-1", () => {
    const file = readC3d(
      analogOnlyFile(1, {}, [
        // "Zoë" in UTF-8 is Z o 0xC3 0xAB; the builder writes one byte per char code
        { group: "SUBJECTS", name: "NAMES", type: -1, values: ["Zo\u00c3\u00ab"] },
        // a lone 0xB0 is not UTF-8: Latin-1 "°"
        { group: "ANALOG", name: "UNITS", type: -1, values: ["\u00b0"] },
      ]),
    );
    expect(getParameter(file, "SUBJECTS", "NAMES")?.values).toEqual(["Zoë"]);
    expect(file.analog.units).toEqual(["°"]);
  });

  it("follows a record longer than 32767 bytes, whose offset only fits as uint16", () => {
    const file = readC3d(
      analogOnlyFile(1, {}, [
        { group: "EVENT", name: "NOTES", type: -1, dimensions: [255, 200], values: ["long"] }, // 51000 bytes
        { group: "EVENT", name: "AFTER", type: 2, values: [42] },
      ]),
    );
    expect(getParameter(file, "EVENT", "NOTES")?.values).toHaveLength(200);
    expect(getParameter(file, "EVENT", "AFTER")?.values).toEqual([42]);
    expect(codes(file)).not.toContain("parameter-chain-loop");
  });

  it("finds parameters case-insensitively and trims strings", () => {
    const file = readC3d(
      analogOnlyFile(1, {}, [{ group: "SUBJECTS", name: "Names", type: -1, dimensions: [8, 1], values: ["  Ann\0\0 "] }]),
    );
    expect(getParameter(file, "subjects", "NAMES")?.values).toEqual(["Ann"]);
    expect(getParameter(file, "SUBJECTS", "MISSING")).toBeUndefined();
    expect(getParameter(file, "NOPE", "NAMES")).toBeUndefined();
  });
});

describe("frame-count rules", () => {
  it("header, when POINT:FRAMES is absent (warned)", () => {
    const file = readC3d(
      buildC3d({ scale: 1, analogWordsPerFrame: 1, analogSamplesPerFrame: 1, firstFrame: 3, lastFrame: 7, data: [1, 2, 3, 4, 5] }),
    );
    expect(file.frames).toEqual({ first: 3, last: 7, count: 5, source: "header" });
    expect(codes(file)).toContain("no-point-frames");
  });

  it("header, when POINT:FRAMES agrees", () => {
    const file = readC3d(analogOnlyFile(5, {}, [{ group: "POINT", name: "FRAMES", type: 2, values: [5] }]));
    expect(file.frames).toEqual({ first: 1, last: 5, count: 5, source: "header" });
    // the only warnings: this minimal file has no ANALOG:SCALE/OFFSET/GEN_SCALE and no ANALOG:RATE
    expect(codes(file)).toEqual(["analog-calibration-missing", "analog-rate-derived"]);
  });

  it("POINT:FRAMES read unsigned when the header disagrees (40000 frames stored as int16 −25536)", () => {
    const file = readC3d(analogOnlyFile(40000, { lastFrame: 100 }, [{ group: "POINT", name: "FRAMES", type: 2, values: [40000 - 65536] }]));
    expect(file.frames).toEqual({ first: 1, last: 40000, count: 40000, source: "POINT:FRAMES" });
    expect(file.analog.channels[0].length).toBe(40000);
    expect(file.analog.channels[0][39999]).toBe(39999 % 30000);
  });

  it("TRIAL:ACTUAL_START_FIELD/END_FIELD: two 16-bit words, low word first (70000 = 4464 + 1·65536)", () => {
    const file = readC3d(
      analogOnlyFile(70000, { lastFrame: 65535 }, [
        { group: "POINT", name: "FRAMES", type: 2, values: [-1] },
        { group: "TRIAL", name: "ACTUAL_START_FIELD", type: 2, values: [1, 0] },
        { group: "TRIAL", name: "ACTUAL_END_FIELD", type: 2, values: [4464, 1] },
      ]),
    );
    expect(file.frames).toEqual({ first: 1, last: 70000, count: 70000, source: "TRIAL:ACTUAL_*_FIELD" });
  });

  it("TRIAL fields win over the header for a sub-range (frames 5..14)", () => {
    const file = readC3d(
      analogOnlyFile(10, { firstFrame: 1, lastFrame: 10 }, [
        { group: "TRIAL", name: "ACTUAL_START_FIELD", type: 2, values: [5, 0] },
        { group: "TRIAL", name: "ACTUAL_END_FIELD", type: 2, values: [14, 0] },
      ]),
    );
    expect(file.frames).toEqual({ first: 5, last: 14, count: 10, source: "TRIAL:ACTUAL_*_FIELD" });
  });

  it("POINT:LONG_FRAMES (float) when there are no TRIAL fields", () => {
    const file = readC3d(
      analogOnlyFile(70000, { lastFrame: 65535 }, [
        { group: "POINT", name: "FRAMES", type: 2, values: [-1] },
        { group: "POINT", name: "LONG_FRAMES", type: 4, values: [70000] },
      ]),
    );
    expect(file.frames).toEqual({ first: 1, last: 70000, count: 70000, source: "POINT:LONG_FRAMES" });
  });

  it("renumbers a zero-based header (first frame 0) from 1", () => {
    const file = readC3d(analogOnlyFile(5, { firstFrame: 0, lastFrame: 4 }, [{ group: "POINT", name: "FRAMES", type: 2, values: [5] }]));
    expect(file.frames).toEqual({ first: 1, last: 5, count: 5, source: "header" });
    expect(codes(file)).toContain("zero-based-frames");
  });

  it("reads a truncated file as far as it goes, with a warning", () => {
    const full = analogOnlyFile(100, {}, [{ group: "POINT", name: "FRAMES", type: 2, values: [100] }]);
    const dataStart = (new DataView(full.buffer).getUint16(16, true) - 1) * 512;
    const cut = full.subarray(0, dataStart + 2 * 60 + 1); // 60 whole frames and half of the next
    const file = readC3d(cut);
    expect(file.frames).toEqual({ first: 1, last: 60, count: 60, source: "header" });
    expect(Array.from(file.analog.channels[0].subarray(55))).toEqual([55, 56, 57, 58, 59]);
    expect(file.warnings.find((w) => w.code === "truncated")?.message).toMatch(/100 frames declared.*holds 60 complete frames/);
  });
});

describe("missing groups and inconsistent counts", () => {
  it("warns when the data section holds more frames than declared (count clipped or stale)", () => {
    // 600 one-word frames written (1200 bytes), header and POINT:FRAMES say 10
    const bytes = analogOnlyFile(600, { lastFrame: 10 }, [{ group: "POINT", name: "FRAMES", type: 2, values: [10] }]);
    const file = readC3d(bytes);
    expect(file.frames.count).toBe(10);
    expect(codes(file)).toContain("data-beyond-frames");
  });

  it("frames with no points and no channels, and no data: 0 frames, warned", () => {
    const file = readC3d(buildC3d({ scale: 1, firstFrame: 1, lastFrame: 10 }));
    expect(file.frames).toEqual({ first: 1, last: 0, count: 0, source: "header" });
    expect(codes(file)).toContain("empty-frames");
  });

  it("no parameters at all: everything from the header, with warnings", () => {
    const file = readC3d(
      buildC3d({ noParameters: true, pointCount: 1, firstFrame: 1, lastFrame: 2, frameRate: 30, data: [1, 2, 3, 0, 4, 5, 6, 0] }),
    );
    expect(file.groups).toEqual([]);
    expect(file.points.x[0][1]).toBe(4);
    expect(file.points.labels).toEqual(["POINT1"]);
    expect(file.pointRate).toBe(30);
    expect(codes(file)).toEqual(expect.arrayContaining(["no-parameters", "no-point-group", "no-point-frames"]));
  });

  it("header samples per frame decide de-interleaving when ANALOG:USED disagrees", () => {
    // header: 4 analog words, 2 samples per frame → 2 channels; ANALOG:USED claims 4
    const file = readC3d(
      buildC3d({
        scale: 1,
        analogWordsPerFrame: 4,
        analogSamplesPerFrame: 2,
        lastFrame: 1,
        data: [1, 2, 3, 4],
        parameters: [{ group: "ANALOG", name: "USED", type: 2, values: [4] }],
      }),
    );
    expect(file.analog.channels.map((c) => Array.from(c))).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(codes(file)).toContain("analog-count-disagreement");
  });

  it("keeps the last of repeated parameter names in a group (Vicon Nexus)", () => {
    const file = readC3d(
      analogOnlyFile(1, {}, [
        { group: "PROCESSING", name: "Bodymass", type: 4, values: [70] },
        { group: "PROCESSING", name: "Height", type: 4, values: [1800] },
        { group: "PROCESSING", name: "Bodymass", type: 4, values: [74] },
      ]),
    );
    const processing = file.groups.find((g) => g.name === "PROCESSING")!;
    expect(processing.parameters.map((p) => [p.name, p.values[0]])).toEqual([
      ["Bodymass", 74],
      ["Height", 1800],
    ]);
  });
});

describe("typed errors for impossible structure", () => {
  it("rejects a file that is not C3D, naming byte 1 and the key", () => {
    const e = expectC3dError(new TextEncoder().encode("hello".padEnd(600, " ")), "not-c3d", 1);
    expect(e.message).toMatch(/0x50/);
  });

  it("rejects a file shorter than one header block", () => {
    expectC3dError(new Uint8Array(100), "too-short", 100);
  });

  it("rejects a header whose data section lies past the end", () => {
    const bytes = analogOnlyFile(2);
    new DataView(bytes.buffer).setUint16(16, 5000, true);
    const e = expectC3dError(bytes, "header-past-end", 16);
    expect(e.message).toMatch(/block 5000/);
  });

  it("rejects a parameter section past the end", () => {
    const bytes = analogOnlyFile(2);
    bytes[0] = 200;
    expectC3dError(bytes, "header-past-end", 0);
  });

  it("rejects zero-sized frames when data follows", () => {
    const bytes = buildC3d({ scale: 1, firstFrame: 1, lastFrame: 10, data: new Array(512).fill(0) });
    expectC3dError(bytes, "zero-frame-size");
  });

  it("rejects parameter dimensions larger than the file", () => {
    const bytes = analogOnlyFile(1, {}, [{ group: "X", name: "BIG", type: 4, dimensions: [1], values: [0] }]);
    // find the BIG record and set its one dimension byte to 255 and add more dimensions: [255,255,255]
    const at = findAscii(bytes, "BIG");
    const dimsPos = at + 3 + 2 + 2; // name, offset word, type, dimension count
    bytes[at + 3 + 2 + 1] = 3;
    bytes[dimsPos] = bytes[dimsPos + 1] = bytes[dimsPos + 2] = 255;
    const e = expectC3dError(bytes, "parameter-past-end");
    expect(e.message).toMatch(/BIG declares dimensions \[255, 255, 255\]/);
  });

  it("stops (with a warning) at a parameter chain that points back", () => {
    const bytes = analogOnlyFile(1, {}, [{ group: "X", name: "LOOP", type: 2, values: [1] }]);
    const at = findAscii(bytes, "LOOP");
    new DataView(bytes.buffer).setInt16(at + 4, -8, true); // next record 8 bytes before this one
    const file = readC3d(bytes);
    expect(codes(file)).toContain("parameter-chain-loop");
  });

  it("stops (with a warning) at a parameter chain that points outside the file", () => {
    const bytes = analogOnlyFile(1, {}, [
      { group: "X", name: "OUT", type: 2, values: [1] },
      { group: "X", name: "AFTER", type: 2, values: [1] },
    ]);
    const at = findAscii(bytes, "OUT");
    new DataView(bytes.buffer).setInt16(at + 3, 32000, true);
    const file = readC3d(bytes);
    expect(codes(file)).toContain("parameter-chain-outside");
    expect(getParameter(file, "X", "OUT")?.values).toEqual([1]);
    expect(getParameter(file, "X", "AFTER")).toBeUndefined();
  });
});

function findAscii(bytes: Uint8Array, text: string): number {
  outer: for (let i = 0; i + text.length <= bytes.length; i++) {
    for (let k = 0; k < text.length; k++) if (bytes[i + k] !== text.charCodeAt(k)) continue outer;
    return i;
  }
  throw new Error(`${text} not found`);
}
