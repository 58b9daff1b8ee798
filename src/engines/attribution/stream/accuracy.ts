import { Channel, CHANNELS } from "../../../events/enums.js";
import type { TruthCredits, TruthPurchases } from "../../../sim/truth.js";
import type { AttributionReport } from "../attributePaths.js";
import type { JourneyCounts } from "./journeyLog.js";

/** `attribution_accuracy.arrow`: one row per (model, touch channel). */
export interface AccuracyRows {
  readonly model: string[];
  readonly channel: string[];
  readonly creditShare: number[];
  readonly trueShare: number[];
  readonly shareError: number[];
  readonly credited: number[];
  readonly trueCaused: number[];
}

export interface ModelAccuracy {
  /** Mean over touch channels of |model's credit share − true credit share|. */
  readonly channelShareMAE: number;
  /** Conversions the model gave to some channel (cid leaves some unattributed). */
  readonly conversionsCredited: number;
  readonly trueConversions: number;
  /** conversionsCredited / trueConversions. */
  readonly capturedShare: number;
  readonly channelShares: Record<string, number>;
}

/** run.json `accuracy.attribution`. */
export interface AttributionAccuracy {
  readonly models: Record<string, ModelAccuracy>;
  /** Every true purchase, observed or not. */
  readonly trueConversions: number;
  /** True purchases whose cause is a platform touch (the rest is baseline demand). */
  readonly trueTouchCausedConversions: number;
  /** Mean share of baseline demand in the true credit of a purchase. */
  readonly trueBaselineCreditShare: number;
  /** True credit per touch channel, as a share of all touch credit (baseline left out). */
  readonly trueChannelShares: Record<string, number>;
  readonly observedConversions: number;
  readonly journeyConversions: number;
  readonly untouchedConversions: number;
  readonly nullJourneys: number;
  readonly lateEvents: number;
  readonly lateConversions: number;
  readonly duplicatesDropped: number;
}

export interface Truth {
  readonly purchases: TruthPurchases;
  readonly credits: TruthCredits;
}

/**
 * Scores each model against the simulator's truth. Shares: the true credit of
 * every touch of every true purchase (observed or not) summed per channel and
 * normalised over touch channels, against the model's credit normalised over
 * what it credited — both answer "how is the platform-caused part split across
 * channels". Counts: conversions a model credits per channel against true
 * purchases whose cause was a touch on that channel (baseline causes none).
 */
export function scoreAttribution(report: AttributionReport, truth: Truth, counts: JourneyCounts): { rows: AccuracyRows; summary: AttributionAccuracy } {
  const trueCredit = new Float64Array(CHANNELS.length);
  truth.credits.touchChannel.forEach((channel, i) => (trueCredit[channel]! += truth.credits.share[i]!));
  const trueCaused = new Float64Array(CHANNELS.length);
  for (const channel of truth.purchases.causeChannel) trueCaused[channel]!++;
  const trueConversions = truth.purchases.id.length;
  const baselineCredit = trueCredit[Channel.baseline]!;
  trueCredit[Channel.baseline] = 0;
  trueCaused[Channel.baseline] = 0;
  const touchCredit = sum(trueCredit);

  const modelChannels = new Set(Object.values(report.models).flatMap((credit) => Object.keys(credit.conversions)));
  const channels = CHANNELS.filter((name, code) => trueCredit[code]! > 0 || trueCaused[code]! > 0 || modelChannels.has(name));
  const trueShares = channels.map((name) => ratio(trueCredit[Channel[name]]!, touchCredit));

  const rows: AccuracyRows = { model: [], channel: [], creditShare: [], trueShare: [], shareError: [], credited: [], trueCaused: [] };
  const models: Record<string, ModelAccuracy> = {};
  for (const [model, credit] of Object.entries(report.models)) {
    const credited = channels.map((name) => credit.conversions[name] ?? 0);
    const total = sum(credited);
    let absoluteError = 0;
    channels.forEach((name, i) => {
      const share = ratio(credited[i]!, total);
      const error = Math.abs(share - trueShares[i]!);
      absoluteError += error;
      rows.model.push(model);
      rows.channel.push(name);
      rows.creditShare.push(share);
      rows.trueShare.push(trueShares[i]!);
      rows.shareError.push(error);
      rows.credited.push(credited[i]!);
      rows.trueCaused.push(trueCaused[Channel[name]]!);
    });
    models[model] = {
      channelShareMAE: ratio(absoluteError, channels.length),
      conversionsCredited: total,
      trueConversions,
      capturedShare: ratio(total, trueConversions),
      channelShares: Object.fromEntries(channels.map((name, i) => [name, ratio(credited[i]!, total)])),
    };
  }
  return {
    rows,
    summary: {
      models,
      trueConversions,
      trueTouchCausedConversions: sum(trueCaused),
      trueBaselineCreditShare: ratio(baselineCredit, trueConversions),
      trueChannelShares: Object.fromEntries(channels.map((name, i) => [name, trueShares[i]!])),
      observedConversions: counts.observedConversions,
      journeyConversions: counts.journeyConversions,
      untouchedConversions: counts.untouchedConversions,
      nullJourneys: counts.nullJourneys,
      lateEvents: counts.lateTouches + counts.lateConversions,
      lateConversions: counts.lateConversions,
      duplicatesDropped: counts.duplicatesDropped,
    },
  };
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

/** a / b, and 0 when there is nothing to divide by. */
function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}
