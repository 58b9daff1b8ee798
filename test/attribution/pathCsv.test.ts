import { describe, expect, it } from "vitest";
import { parsePathCsv } from "../../src/engines/attribution/index.js";
import { InputError } from "../../src/errors.js";

const HEADER = "path;total_conversions;total_conversion_value;total_null";

function problemsOf(text: string, sep?: string): readonly string[] {
  try {
    parsePathCsv(text, sep === undefined ? {} : { sep });
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("parsePathCsv", () => {
  it("trims channel names and numbers channels by first appearance", () => {
    const table = parsePathCsv(`${HEADER}\n search >  feed ;1;9.5;2\nfeed>ad;0;0;3\n`);
    expect(table.channels).toEqual(["search", "feed", "ad"]);
    expect(table.paths).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(Array.from(table.conversions)).toEqual([1, 0]);
    expect(Array.from(table.value)).toEqual([9.5, 0]);
    expect(Array.from(table.nulls)).toEqual([2, 3]);
  });

  it("accepts quoted fields, CRLF, a byte-order mark, blank lines and another separator", () => {
    const text = `\uFEFF"path","total_conversions","total_conversion_value","total_null"\r\n"a > b, ""c""",2,4,0\r\n\r\nb,1,1,1\r\n`;
    const table = parsePathCsv(text, { sep: "," });
    expect(table.channels).toEqual(["a", 'b, "c"', "b"]);
    expect(table.paths).toHaveLength(2);
  });

  it("keeps repeated paths as separate rows", () => {
    const table = parsePathCsv(`${HEADER}\nA>B;1;1;0\nA>B;2;2;1`);
    expect(table.paths).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it("names the line of a wrong header", () => {
    expect(problemsOf("path,total_conversions,total_conversion_value,total_null\nA,1,1,0")).toEqual([
      expect.stringMatching(/^line 1: header must be path;total_conversions;total_conversion_value;total_null/),
    ]);
    expect(problemsOf("path;total_conversions;total_null\nA;1;0")[0]).toMatch(/^line 1: header/);
  });

  it("collects every row problem with its line number", () => {
    const text = [
      HEADER,
      "A;1;1;0",
      "B;x;1;0", // line 3: non-numeric
      "C;1;-2;0", // line 4: negative value
      " > ;1;1;0", // line 5: empty path
      "D;1;1", // line 6: wrong field count
      "E;0;5;1", // line 7: value without conversions
      "F;1;1;", // line 8: empty count
      '"G;1;1;0', // line 9: unterminated quote
    ].join("\n");
    expect(problemsOf(text)).toEqual([
      'line 3: total_conversions "x" is not a number',
      "line 4: total_conversion_value -2 is negative",
      "line 5: empty path",
      'line 6: expected 4 fields separated by ";", got 3',
      "line 7: total_conversion_value 5 without conversions",
      'line 8: total_null "" is not a number',
      "line 9: unterminated quote",
    ]);
  });

  it("rejects empty steps in a path with the line number", () => {
    const text = [HEADER, "search >  > ad;1;1;0", "search > ad >;1;1;0", "> ad;1;1;0", "search > ad;1;1;0"].join("\n");
    expect(problemsOf(text)).toEqual([
      'line 2: empty step in path "search >  > ad"',
      'line 3: empty step in path "search > ad >"',
      'line 4: empty step in path "> ad"',
    ]);
  });

  it("accepts plain decimal counts only, not hex, binary, octal or Infinity", () => {
    const good = parsePathCsv(`${HEADER}\nA;1.5e1;.5;+2\nB;0;0;3.`);
    expect(Array.from(good.conversions)).toEqual([15, 0]);
    expect(Array.from(good.value)).toEqual([0.5, 0]);
    expect(Array.from(good.nulls)).toEqual([2, 3]);
    const text = [HEADER, "A;0x10;1;0", "A;1;1;0b11", "A;0o7;1;0", "A;Infinity;1;0", "A;1e;1;0", "A;1_000;1;0"].join("\n");
    expect(problemsOf(text)).toEqual([
      'line 2: total_conversions "0x10" is not a number',
      'line 3: total_null "0b11" is not a number',
      'line 4: total_conversions "0o7" is not a number',
      'line 5: total_conversions "Infinity" is not a number',
      'line 6: total_conversions "1e" is not a number',
      'line 7: total_conversions "1_000" is not a number',
    ]);
  });

  it("rejects count totals past 2^53 and value totals near overflow, where each row is finite but the sums are not", () => {
    expect(problemsOf(`${HEADER}\nA>B;1e308;1e308;0\nB;1e308;1e308;1e308`)).toEqual([
      "line 2: the total_conversions column adds up to more than 9,007,199,254,740,991 here, past which counts are not exact",
    ]);
    expect(problemsOf(`${HEADER}\nA;1;1;1\nB;1;1;9007199254740991`)).toEqual([
      "line 3: the total_null column adds up to more than 9,007,199,254,740,991 here, past which counts are not exact",
    ]);
    expect(problemsOf(`${HEADER}\nA;1;1e300;0\nB;1;1e300;0`)).toEqual([
      "line 3: the total_conversion_value column adds up to more than 1e+300 here, too close to the largest number for the models' sums",
    ]);
    expect(parsePathCsv(`${HEADER}\nA;1;1;1\nB;1;1;9007199254740990`).nulls[1]).toBe(9007199254740990);
    // Money is not a count: a large currency total past 2^53 is fine.
    expect(parsePathCsv(`${HEADER}\nA>B;120000;6000000000000000;50000\nB;90000;4000000000000000;30000`).value[1]).toBe(4e15);
  });

  it("lists at most 50 problems and counts the rest", () => {
    const text = [HEADER, ...Array.from({ length: 60 }, () => "A;-1;0;0")].join("\n");
    const problems = problemsOf(text);
    expect(problems).toHaveLength(51);
    expect(problems[0]).toBe("line 2: total_conversions -1 is negative");
    expect(problems[50]).toBe("… and 10 more");
  });

  it("rejects a separator that is not one usable character", () => {
    for (const sep of ["", ";;", ">", '"']) expect(() => parsePathCsv(HEADER, { sep })).toThrow(/separator/);
  });
});
