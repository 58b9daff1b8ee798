import { deliveredBatches, type Fixture } from "../fixture.js";
import { measure, withUnits, type Measurement } from "../measure.js";
import type { Sampling } from "../plan.js";

/**
 * The calibration: a plain typed-array loop over the fixture's delivered rows doing a
 * few arithmetic operations per row — about the fastest this machine handles a row.
 * Suites divided by it cancel much of a machine's load and speed, though not across CPU
 * models (bench/README.md). The sum is checked on every call, so
 * the JIT has to compute it.
 */
export async function calibrationSuite(f: Fixture, sampling: Sampling): Promise<Measurement> {
  const batches = deliveredBatches(f);
  const pass = (): number => {
    let acc = 0;
    for (const { time, user, brand, kind, length } of batches) {
      for (let i = 0; i < length; i++) acc += time[i]! * 1e-3 + ((user[i]! ^ brand[i]!) & 255) - kind[i]!;
    }
    return acc;
  };
  const expected = pass();
  const timing = await measure(
    "calibration",
    () => {
      if (pass() !== expected) throw new Error("calibration loop gave a different sum");
    },
    sampling,
  );
  return withUnits(timing, f.deliveredRows);
}
