import { streamSettingsFor } from "../../engines/attribution/stream/settings.js";
import { deliveredBatches, type Fixture } from "../fixture.js";
import { measure, withUnits, type Measurement } from "../measure.js";
import type { Sampling } from "../plan.js";
import { columnarReport } from "./naiveBaseline.js";

/**
 * The attribution a run does, alone, over the fixture's delivered batches: the columnar
 * journey builder, the merge and every built-in model. It is the naive baseline's work
 * exactly (the two reports are checked equal), so its × baseline is like for like.
 */
export async function attributionSuite(f: Fixture, sampling: Sampling): Promise<Measurement> {
  const batches = deliveredBatches(f);
  const settings = streamSettingsFor(f.policy);
  const timing = await measure("attribution", () => columnarReport(batches, settings), sampling);
  return withUnits(timing, f.deliveredRows);
}
