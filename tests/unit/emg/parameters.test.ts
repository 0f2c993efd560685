import { describe, expect, it } from "vitest";
import { ParameterError } from "~/lib/domain";
import { resolveProcessingParameters } from "~/lib/emg";

function errorOf(fn: () => unknown): ParameterError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ParameterError) return error;
    throw error;
  }
  throw new Error("expected a ParameterError");
}

describe("resolveProcessingParameters", () => {
  it("fills the spec defaults and stamps the sampling rate", () => {
    expect(resolveProcessingParameters({}, 990)).toEqual({
      processing_version: "1.0.0",
      sampling_rate_hz: 990,
      filter_low_cutoff_hz: 20,
      filter_high_cutoff_hz: 450,
      filter_high_cutoff_requested_hz: 450,
      filter_order: 4,
      rms_window_ms: 100,
      rms_overlap_percent: 50,
      threshold_factor: 0.2,
      activated_threshold_factor: 0.05,
      merge_gap_ms: 200,
      min_duration_ms: 100,
      mvc_threshold_percentage: 75,
      timing_source: "auto",
    });
  });

  it("clamps a requested 500 Hz to 0.95·990/2 = 470.25 Hz and keeps both", () => {
    const p = resolveProcessingParameters({ filter_high_cutoff_hz: 500 }, 990);
    expect([p.filter_high_cutoff_hz, p.filter_high_cutoff_requested_hz]).toEqual([470.25, 500]);
  });

  it.each([
    [{ filter_low_cutoff_hz: 0 }, "filter_low_cutoff_hz", /> 0/],
    [{ filter_low_cutoff_hz: -5 }, "filter_low_cutoff_hz", /> 0/],
    [{ filter_low_cutoff_hz: 460 }, "filter_low_cutoff_hz", /effective high cut-off 450/],
    [{ filter_low_cutoff_hz: 400, filter_high_cutoff_hz: 1000 }, "filter_low_cutoff_hz", /at most 0.95·fs\/2 = 380/],
    [{ filter_order: 2.5 }, "filter_order", /integer/],
    [{ rms_window_ms: 0 }, "rms_window_ms", /> 0/],
    [{ rms_overlap_percent: 100 }, "rms_overlap_percent", /< 100/],
    [{ threshold_factor: 1.5 }, "threshold_factor", /≤ 1/],
    [{ merge_gap_ms: -1 }, "merge_gap_ms", /≥ 0/],
    [{ mvc_threshold_percentage: 0 }, "mvc_threshold_percentage", /> 0/],
    [{ timing_source: "device" }, "timing_source", /auto, activated, envelope/],
    [{ filter_low_cutoff_hz: Number.NaN }, "filter_low_cutoff_hz", /number/],
    [{ window_ms: 100 }, "window_ms", /unknown parameter/],
  ])("%j → ParameterError naming %s", (options, field, message) => {
    const fs = field === "filter_low_cutoff_hz" && "filter_high_cutoff_hz" in options ? 800 : 990;
    const error = errorOf(() => resolveProcessingParameters(options as never, fs));
    expect(error.field).toBe(field);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });
});
