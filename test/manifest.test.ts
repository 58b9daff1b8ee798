import { describe, expect, it } from "vitest";
import { calibrationWarning } from "../src/report/manifest.js";

describe("run.json warnings", () => {
  it("says calibration bounds in six significant digits, not a float's rounding tail", () => {
    expect(calibrationWarning({ metric: "feed.ctr.image.health", value: 0.02834, min: 0.013000000000000001, max: 0.027000000000000003, ok: false, source: "" })).toBe(
      "calibration feed.ctr.image.health = 0.0283 outside [0.013, 0.027]",
    );
  });
});
