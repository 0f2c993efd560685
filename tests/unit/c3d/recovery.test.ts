/**
 * The reader recovers what the data supports (docs/decisions/013): unfinalized recordings, frames
 * without points or analog, header/parameter layouts that disagree, scales that disagree, and the
 * analog rate of files without analog data. Every expected value follows from the bytes written.
 */
import { describe, expect, it } from "vitest";
import { readC3d, C3dError, getParameter } from "~/lib/c3d";
import { summarizeC3d } from "~/lib/c3d/summary";
import { analogOnlyFile, buildC3d, parameterDataOffset, type BuildOptions, type BuildParameter } from "./builder";
import { fixtureBytes } from "./reference";

const codes = (file: { warnings: { code: string }[] }) => file.warnings.map((w) => w.code);
const warning = (file: { warnings: { code: string; message: string }[] }, code: string) =>
  file.warnings.find((w) => w.code === code)?.message;
/** Analog data of `frames` one-word frames, values 0, 1, 2 … (int storage). */
const ramp = (frames: number) => Array.from({ length: frames }, (_, i) => i);

describe("unfinalized recordings", () => {
  // What a writer that never finalized leaves: frame counters 0, header data start 0, the data
  // section located only by POINT:DATA_START. Block 3 is the first after a one-block parameter section.
  const unfinalized = (data: number[], header: Partial<BuildOptions>, frames: BuildParameter[]): Uint8Array =>
    buildC3d({
      scale: 1,
      analogWordsPerFrame: 1,
      analogSamplesPerFrame: 1,
      dataStartBlock: 3,
      headerDataStartBlock: 0,
      data,
      parameters: [
        { group: "POINT", name: "USED", type: 2, values: [0] },
        { group: "POINT", name: "RATE", type: 4, values: [50] },
        { group: "POINT", name: "DATA_START", type: 2, values: [3] },
        ...frames,
        { group: "ANALOG", name: "USED", type: 2, values: [1] },
        { group: "ANALOG", name: "RATE", type: 4, values: [50] },
      ],
      ...header,
    });

  it.each([
    ["header 0..0, POINT:FRAMES 0", { firstFrame: 0, lastFrame: 0 }, [{ group: "POINT", name: "FRAMES", type: 2, values: [0] }]],
    ["header 1..0, no POINT:FRAMES", { firstFrame: 1, lastFrame: 0 }, []],
  ] as [string, Partial<BuildOptions>, BuildParameter[]][])(
    "%s: every whole frame is read, with recording_recovered",
    (_, header, frames) => {
      // 120 one-word frames, then one byte of a frame the writer did not finish
      const bytes = unfinalized(ramp(120), header, frames);
      const file = readC3d(new Uint8Array([...bytes, 0x7f]));
      expect(file.frames).toEqual({ first: 1, last: 120, count: 120, source: "data" });
      expect(Array.from(file.analog.channels[0])).toEqual(ramp(120));
      // 120 frames at POINT:RATE 50 = 2.4 s
      expect(file.completeness).toEqual({
        status: "recovered",
        declaredFrames: 0,
        framesRead: 120,
        framesInData: 120,
        secondsDeclared: 0,
        secondsRead: 2.4,
      });
      expect(warning(file, "recording_recovered")).toMatch(
        /declare no frames.*recovered 120 whole frames \(2\.40 s at 50 frames\/s\).*last 1 bytes, an incomplete frame/,
      );
      // a header 0..0 here is no zero-based single frame
      expect(codes(file)).not.toContain("zero-based-frames");
      expect(codes(file)).not.toContain("header-frames-reversed");
    },
  );

  it("a POINT:FRAMES count is a declaration: header 1..0 with POINT:FRAMES 100 reads 100 frames", () => {
    const file = readC3d(
      unfinalized(ramp(120), { firstFrame: 1, lastFrame: 0 }, [{ group: "POINT", name: "FRAMES", type: 2, values: [100] }]),
    );
    expect(file.frames).toEqual({ first: 1, last: 100, count: 100, source: "POINT:FRAMES" });
    expect(file.completeness.status).toBe("complete");
    expect(codes(file)).not.toContain("recording_recovered");
  });

  it("no whole frame behind the parameters: 0 frames, nothing recovered", () => {
    const file = readC3d(unfinalized([], { firstFrame: 0, lastFrame: 0 }, []));
    expect(file.frames.count).toBe(0);
    expect(file.completeness).toMatchObject({ status: "complete", declaredFrames: 0, framesRead: 0, framesInData: 0 });
    expect(codes(file)).not.toContain("recording_recovered");
  });

  it("a header that never got its layout either: the parameters' layout is read (samples per frame from the rates)", () => {
    // header words 2, 3 and 10 are 0; POINT:USED 0, ANALOG:USED 2, ANALOG:RATE 40 / POINT:RATE 10 = 4
    // samples per frame → 8 float words per frame; 30 frames. Word k of frame f holds 1000·f + k.
    const data = Array.from({ length: 30 * 8 }, (_, i) => 1000 * Math.floor(i / 8) + (i % 8));
    const file = readC3d(
      buildC3d({
        scale: -1,
        firstFrame: 0,
        lastFrame: 0,
        dataStartBlock: 3,
        headerDataStartBlock: 0,
        data,
        parameters: [
          { group: "POINT", name: "USED", type: 2, values: [0] },
          { group: "POINT", name: "RATE", type: 4, values: [10] },
          { group: "POINT", name: "DATA_START", type: 2, values: [3] },
          { group: "POINT", name: "FRAMES", type: 2, values: [0] },
          { group: "ANALOG", name: "USED", type: 2, values: [2] },
          { group: "ANALOG", name: "RATE", type: 4, values: [40] },
        ],
      }),
    );
    expect(file.frames.count).toBe(30);
    expect(file.analog.samplesPerFrame).toBe(4);
    // sample s of frame f: channel 0 is word 2s, channel 1 word 2s + 1
    expect(Array.from(file.analog.channels[0].subarray(4, 8))).toEqual([1000, 1002, 1004, 1006]);
    expect(Array.from(file.analog.channels[1].subarray(4, 8))).toEqual([1001, 1003, 1005, 1007]);
    expect(warning(file, "analog-count-disagreement")).toMatch(
      /0 channels.*2 channels × 4 samples per frame \(8 words\).*ANALOG:USED used/,
    );
    expect(codes(file)).toContain("recording_recovered");
  });
});

describe("a GHOSTLY game that crashed before writing its frame counts", () => {
  const NAME = "Ghostly_Emg_20230321_17-23-09-0409.c3d";
  const originalBytes = fixtureBytes(NAME);
  const original = readC3d(originalBytes);

  /** The fixture with its header frame range, header data start and POINT:FRAMES zeroed. */
  function crashed(): Uint8Array {
    const bytes = originalBytes.slice();
    const view = new DataView(bytes.buffer);
    view.setUint16(6, 0, true); // word 4: first frame
    view.setUint16(8, 0, true); // word 5: last frame
    view.setUint16(16, 0, true); // word 9: data start block
    view.setInt16(parameterDataOffset(bytes, "POINT", "FRAMES"), 0, true);
    return bytes;
  }

  it("the original declares its frames and reads complete", () => {
    expect(original.header.lastFrame).toBe(original.frames.count);
    expect(original.completeness).toMatchObject({
      status: "complete",
      declaredFrames: original.frames.count,
      framesRead: original.frames.count,
    });
    expect(original.warnings).toEqual([]);
  });

  it("every frame is recovered, samples equal to the original's", () => {
    const file = readC3d(crashed());
    const n = original.frames.count;
    expect(getParameter(file, "POINT", "FRAMES")?.values).toEqual([0]);
    expect(file.frames).toEqual({ first: 1, last: n, count: n, source: "data" });
    expect(file.completeness).toMatchObject({ status: "recovered", declaredFrames: 0, framesRead: n, framesInData: n });
    expect(file.completeness.secondsRead).toBe(n / original.pointRate);
    expect(codes(file)).toEqual(["data-start-from-parameter", "recording_recovered"]);
    expect(warning(file, "recording_recovered")).toContain(
      `recovered ${n} whole frames (${(n / original.pointRate).toFixed(2)} s at ${original.pointRate} frames/s)`,
    );
    expect(file.analog.labels).toEqual(original.analog.labels);
    expect(file.analog.rate).toBe(original.analog.rate);
    file.analog.channels.forEach((channel, c) => expect(channel).toEqual(original.analog.channels[c]));
    expect(file.points.x).toEqual(original.points.x);
  });

  it("cut inside a frame, it is read to its last whole frame", () => {
    const dataStart = (original.header.dataStartBlock - 1) * 512;
    const frameBytes = (4 * original.header.pointCount + original.header.analogTotalPerFrame) * 4; // float storage
    const file = readC3d(crashed().subarray(0, dataStart + 1000 * frameBytes + 100));
    expect(file.frames.count).toBe(1000);
    const samples = 1000 * original.analog.samplesPerFrame;
    file.analog.channels.forEach((channel, c) => expect(channel).toEqual(original.analog.channels[c].subarray(0, samples)));
    expect(warning(file, "recording_recovered")).toContain("the last 100 bytes, an incomplete frame, were not read");
  });
});

describe("truncation in numbers", () => {
  it("a file cut short: status truncated with declared and read counts and seconds", () => {
    const full = analogOnlyFile(100, {}, [{ group: "POINT", name: "FRAMES", type: 2, values: [100] }]);
    const dataStart = (new DataView(full.buffer).getUint16(16, true) - 1) * 512;
    const file = readC3d(full.subarray(0, dataStart + 2 * 60 + 1));
    // no POINT:RATE: the header's 100 frames/s
    expect(file.completeness).toEqual({
      status: "truncated",
      declaredFrames: 100,
      framesRead: 60,
      framesInData: 60,
      secondsDeclared: 1,
      secondsRead: 0.6,
    });
    expect(codes(file)).toContain("truncated");
  });

  it("data beyond the declared frames stays complete, with the frames the data holds", () => {
    const file = readC3d(analogOnlyFile(600, { lastFrame: 10 }, [{ group: "POINT", name: "FRAMES", type: 2, values: [10] }]));
    expect(file.completeness).toMatchObject({ status: "complete", declaredFrames: 10, framesRead: 10, framesInData: 600 });
  });
});

describe("frames with neither points nor analog channels", () => {
  // 10 frames of 2 rotations (16 floats of a 4×4 matrix and a reliability word each) in a ROTATION
  // section; the point/analog frames are empty.
  const rotationFile = (used: number) =>
    buildC3d({
      scale: -1,
      firstFrame: 1,
      lastFrame: 10,
      dataStartBlock: 3,
      data: new Array(10 * 2 * 17).fill(0.5),
      parameters: [
        { group: "POINT", name: "USED", type: 2, values: [0] },
        { group: "POINT", name: "FRAMES", type: 2, values: [10] },
        { group: "POINT", name: "RATE", type: 4, values: [100] },
        { group: "ROTATION", name: "USED", type: 2, values: [used] },
        { group: "ROTATION", name: "RATIO", type: 2, values: [1] },
        { group: "ROTATION", name: "DATA_START", type: 2, values: [3] },
        { group: "ROTATION", name: "LABELS", type: -1, values: ["PELVIS", "THIGH"] },
      ],
    });

  it("are valid when another group locates per-frame data: frame count and parameters read", () => {
    const file = readC3d(rotationFile(2));
    expect(file.frames).toEqual({ first: 1, last: 10, count: 10, source: "header" });
    expect(getParameter(file, "ROTATION", "LABELS")?.values).toEqual(["PELVIS", "THIGH"]);
    expect(file.points.x).toEqual([]);
    expect(file.analog.channels).toEqual([]);
    expect(file.completeness).toMatchObject({ status: "complete", declaredFrames: 10, framesRead: 10, framesInData: null });
    expect(warning(file, "no-point-or-analog-frames")).toMatch(/10 frames .*ROTATION data is not decoded/);
  });

  it("a ROTATION group that uses no rotations does not explain the data section", () => {
    expect(() => readC3d(rotationFile(0))).toThrow(C3dError);
    try {
      readC3d(rotationFile(0));
    } catch (error) {
      expect((error as C3dError).code).toBe("zero-frame-size");
    }
  });
});

describe("header and parameters disagree on the layout", () => {
  /** 200 frames of `words` int analog words, word k of frame f = 1000·k + f. */
  const frames = (count: number, words: number) =>
    Array.from({ length: count * words }, (_, i) => 1000 * (i % words) + Math.floor(i / words));
  const analogFile = (headerWords: number, used: number, data: number[], lastFrame = 200) =>
    buildC3d({
      scale: 1,
      analogWordsPerFrame: headerWords,
      analogSamplesPerFrame: 1,
      lastFrame,
      data,
      parameters: [
        { group: "POINT", name: "FRAMES", type: 2, values: [lastFrame] },
        { group: "ANALOG", name: "USED", type: 2, values: [used] },
        { group: "ANALOG", name: "RATE", type: 4, values: [100] },
      ],
    });

  it("ANALOG:USED wins when only its frame size × frame count matches the data (header says fewer)", () => {
    // header: 2 words → 200 frames would be 800 bytes of the 1600 present; ANALOG:USED 4: exactly 1600
    const file = readC3d(analogFile(2, 4, frames(200, 4)));
    expect(file.analog.channels.map((c) => [c[0], c[199]])).toEqual([
      [0, 199],
      [1000, 1199],
      [2000, 2199],
      [3000, 3199],
    ]);
    expect(file.completeness.status).toBe("complete");
    expect(warning(file, "analog-count-disagreement")).toMatch(
      /header words 3 and 10 give 2 channels × 1 samples per frame \(2 words\), ANALOG:USED 4 channels × 1 samples per frame \(4 words\); 8 bytes per frame × 200 frames matches the 1600-byte data section, the header's 4 bytes per frame does not: ANALOG:USED used/,
    );
  });

  it("ANALOG:USED wins when the header's layout would need more data than the file has", () => {
    const file = readC3d(analogFile(4, 2, frames(200, 2)));
    expect(file.analog.channels.map((c) => c[199])).toEqual([199, 1199]);
    expect(codes(file)).not.toContain("truncated");
    expect(warning(file, "analog-count-disagreement")).toMatch(/ANALOG:USED used$/);
  });

  it("the header wins when its layout matches the data, warned naming both", () => {
    const file = readC3d(analogFile(2, 4, frames(200, 2)));
    expect(file.analog.channels).toHaveLength(2);
    expect(warning(file, "analog-count-disagreement")).toMatch(
      /2 channels .* ANALOG:USED 4 channels .*the header's 4 bytes per frame × 200 frames matches the 800-byte data section: header used/,
    );
  });

  it("the header wins when neither layout matches the data", () => {
    // 1000 frames declared; 6000 bytes present: the header's 4 bytes/frame would leave 2000 bytes
    // over, ANALOG:USED's 8 bytes/frame would need 8000
    const file = readC3d(analogFile(2, 4, frames(1500, 2), 1000));
    expect(file.analog.channels).toHaveLength(2);
    expect(warning(file, "analog-count-disagreement")).toMatch(
      /neither reading's frame size × 1000 frames matches the 6000-byte data section: header used/,
    );
  });

  it("POINT:USED wins over header word 2 the same way", () => {
    // header: 0 points, 1 analog word; POINT:USED 1 → 5 float words per frame, as written
    const data = Array.from({ length: 100 }, (_, f) => [f, 2 * f, 3 * f, 0, -f]).flat();
    const file = readC3d(
      buildC3d({
        scale: -1,
        pointCount: 0,
        analogWordsPerFrame: 1,
        analogSamplesPerFrame: 1,
        lastFrame: 100,
        data,
        parameters: [
          { group: "POINT", name: "USED", type: 2, values: [1] },
          { group: "POINT", name: "SCALE", type: 4, values: [-1] },
          { group: "POINT", name: "FRAMES", type: 2, values: [100] },
          { group: "ANALOG", name: "USED", type: 2, values: [1] },
        ],
      }),
    );
    expect(file.points.x).toHaveLength(1);
    expect([file.points.x[0][99], file.points.y[0][99], file.points.z[0][99]]).toEqual([99, 198, 297]);
    expect(file.analog.channels[0][99]).toBe(-99);
    expect(warning(file, "point-count-disagreement")).toMatch(
      /header word 2 gives 0 points per frame, POINT:USED 1; 20 bytes per frame × 100 frames matches the 2000-byte data section, the header's 4 bytes per frame does not: POINT:USED used/,
    );
  });
});

describe("header scale and POINT:SCALE", () => {
  const pointFile = (pointScale: number, pointCount = 1) =>
    buildC3d({
      scale: 0.5,
      pointCount,
      lastFrame: 1,
      data: pointCount ? [4, 8, 12, 0] : [],
      analogWordsPerFrame: pointCount ? 0 : 1,
      analogSamplesPerFrame: pointCount ? 0 : 1,
      parameters: [
        { group: "POINT", name: "USED", type: 2, values: [pointCount] },
        { group: "POINT", name: "SCALE", type: 4, values: [pointScale] },
        { group: "POINT", name: "FRAMES", type: 2, values: [1] },
      ],
    });

  it("disagreeing magnitudes are reported naming both; POINT:SCALE scales the coordinates", () => {
    const file = readC3d(pointFile(0.25));
    expect([file.points.x[0][0], file.points.y[0][0], file.points.z[0][0]]).toEqual([1, 2, 3]);
    expect(warning(file, "scale-disagreement")).toBe(
      "header scale 0.5 and POINT:SCALE 0.25 differ; |POINT:SCALE| used for coordinates and residuals",
    );
  });

  it("equal scales, or no points to scale: no warning", () => {
    expect(codes(readC3d(pointFile(0.5)))).not.toContain("scale-disagreement");
    expect(codes(readC3d(pointFile(0.25, 0)))).not.toContain("scale-disagreement");
  });
});

describe("analog rate", () => {
  it("null without an ANALOG group and analog data", () => {
    const file = readC3d(
      buildC3d({
        scale: -1,
        pointCount: 1,
        lastFrame: 1,
        data: [1, 2, 3, 0],
        parameters: [{ group: "POINT", name: "USED", type: 2, values: [1] }],
      }),
    );
    expect(file.analog.rate).toBeNull();
    expect(summarizeC3d(file).summary.analog_rate).toBeNull();
  });

  it("0 from an ANALOG group without RATE and without channels", () => {
    const file = readC3d(
      buildC3d({
        scale: -1,
        pointCount: 1,
        lastFrame: 1,
        data: [1, 2, 3, 0],
        parameters: [
          { group: "POINT", name: "USED", type: 2, values: [1] },
          { group: "ANALOG", name: "USED", type: 2, values: [0] },
        ],
      }),
    );
    expect(file.analog.rate).toBe(0);
  });

  it("channels without ANALOG:RATE: point rate × samples per frame, warned", () => {
    // POINT:RATE 25 × 4 samples per frame
    const file = readC3d(
      analogOnlyFile(2, { analogWordsPerFrame: 4, analogSamplesPerFrame: 4, data: ramp(8) }, [
        { group: "POINT", name: "RATE", type: 4, values: [25] },
      ]),
    );
    expect(file.analog.rate).toBe(100);
    expect(warning(file, "analog-rate-derived")).toMatch(/no positive ANALOG:RATE; 100 Hz assumed \(point rate 25 × 4 samples per frame\)/);
  });
});
