import { TOUCH_CHANNELS, type TouchChannelName } from "../events/enums.js";

const MODEL_SHARE = /^accuracy\.attribution\.models\.([^.]+)\.channelShares\.([^.]+)$/;

/**
 * What a run's twins (one per touch channel removed, same random numbers) say about it:
 * - `incremental.<channel>`: true purchases the channel caused, the run's minus its twin's;
 * - `incremental.liftShare.<channel>`: the channel's part of the lift, over the channels'
 *   positive lifts (a lift below 0 is counted as none);
 * - `incremental.liftShareMAE.<model>`: the incremental lift error, the mean over touch
 *   channels of |model's credit share − lift share|: how well the model splits credit the
 *   way removing each channel would split the purchases.
 * Lift shares need some lift, and a model's error needs its shares (a model that credited
 * nothing has none): otherwise they are NaN, not measured in this run (compare lists them
 * in notMeasuredInEveryRun, and a threshold on them fails saying so).
 */
export function incrementalMetrics(run: Readonly<Record<string, number>>, twinPurchases: Readonly<Record<TouchChannelName, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  const lift = TOUCH_CHANNELS.map((channel) => run["purchases.true"]! - twinPurchases[channel]);
  TOUCH_CHANNELS.forEach((channel, i) => (out[`incremental.${channel}`] = lift[i]!));
  const total = lift.reduce((sum, l) => sum + Math.max(0, l), 0);
  const liftShare = lift.map((l) => (total > 0 ? Math.max(0, l) / total : Number.NaN));
  TOUCH_CHANNELS.forEach((channel, i) => (out[`incremental.liftShare.${channel}`] = liftShare[i]!));
  for (const [model, shares] of modelShares(run)) {
    // A channel a model's summary does not list got none of its credit.
    const values = TOUCH_CHANNELS.map((channel) => shares.get(channel) ?? 0);
    // NaN when the model has no shares or there is no lift to split.
    out[`incremental.liftShareMAE.${model}`] = values.reduce((sum, v, i) => sum + Math.abs(v - liftShare[i]!), 0) / TOUCH_CHANNELS.length;
  }
  return out;
}

/** Each model's credit share per channel, from the run's metrics (NaN where it had none). */
function modelShares(run: Readonly<Record<string, number>>): Map<string, Map<string, number>> {
  const models = new Map<string, Map<string, number>>();
  for (const [name, value] of Object.entries(run)) {
    const match = MODEL_SHARE.exec(name);
    if (!match) continue;
    const [, model, channel] = match as unknown as [string, string, string];
    if (!models.has(model)) models.set(model, new Map());
    models.get(model)!.set(channel, value);
  }
  return models;
}
