import { streamSettingsFor } from "../../engines/attribution/stream/settings.js";
import { deliveredBatches, type Fixture } from "../fixture.js";
import type { BenchOp } from "../measure.js";
import { columnarReport } from "./naiveBaseline.js";

/**
 * The attribution a run does, alone, over the fixture's delivered batches: the columnar
 * journey builder, the merge and every built-in model. It is the naive baseline's work
 * exactly (the two reports are checked equal), so its × baseline is like for like.
 */
export function attributionOp(f: Fixture): BenchOp {
  const batches = deliveredBatches(f);
  const settings = streamSettingsFor(f.policy);
  return { name: "attribution", run: () => columnarReport(batches, settings), units: () => f.deliveredRows };
}
