import { describe, expect, it } from "vitest";
import { counted } from "../src/plural.js";

describe("counted", () => {
  it("gives the singular for exactly one and the plural otherwise", () => {
    expect([0, 1, 2, 1.5].map((n) => counted(n, "conversion"))).toEqual(["0 conversions", "1 conversion", "2 conversions", "1.5 conversions"]);
    expect(counted(1, "analysis", "analyses")).toBe("1 analysis");
    expect(counted(3, "analysis", "analyses")).toBe("3 analyses");
  });
});
