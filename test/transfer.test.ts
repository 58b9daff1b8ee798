import { describe, expect, it } from "vitest";
import { packNumberArrays, transferList } from "../src/workers/transfer.js";

describe("transferList", () => {
  it("lists every whole typed-array buffer reachable through objects and arrays, each once", () => {
    const a = new Float64Array(4);
    const b = new Uint32Array(3);
    const c = new Uint8Array(8);
    const value = { a, nested: { list: [b, { again: a }], numbers: [1, 2, 3] }, rows: [[c], 7, "x", null] };
    const found = transferList(value);
    expect(found).toHaveLength(3);
    expect(new Set(found)).toEqual(new Set([a.buffer, b.buffer, c.buffer]));
  });

  it("leaves out views on shared memory, which is not moved but shared", () => {
    const shared = new Int32Array(new SharedArrayBuffer(16));
    expect(transferList({ shared, own: new Float64Array(2) })).toHaveLength(1);
  });

  it("leaves out views on part of a buffer, which would move their neighbours' memory too", () => {
    const whole = new Float64Array(8);
    expect(transferList({ part: whole.subarray(2, 4) })).toEqual([]);
  });

  it("packs plain-number arrays into Float64Arrays and leaves other fields alone", () => {
    const packed = packNumberArrays({ time: [1.5, 2], label: ["a"], empty: [] as number[], n: 3 });
    expect(packed.time).toEqual(Float64Array.of(1.5, 2));
    expect(packed.label).toEqual(["a"]);
    expect(packed.empty).toEqual(new Float64Array(0));
    expect(packed.n).toBe(3);
  });
});
