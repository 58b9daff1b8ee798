import { Channel, CHANNELS, TOUCH_CHANNELS } from "../../../events/enums.js";
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
  /**
   * Mean over touch channels of |model's credit share − true credit share|; null when the
   * model credited nothing, since it then has no shares to compare.
   */
  readonly channelShareMAE: number | null;
  /** Conversions the model gave to some channel (cid leaves some unattributed). */
  readonly conversionsCredited: number;
  readonly trueConversions: number;
  /** conversionsCredited / trueConversions. */
  readonly capturedShare: number;
  /** Null per channel when the model credited nothing. */
  readonly channelShares: Record<string, number | null>;
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
  readonly shortenedConversions: number;
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
 *
 * The error is a mean over every touch channel, whether or not the policy lets it act, so
 * that it compares across policies: a mean over the channels a run happened to see would
 * fall as channels where model and truth both say 0 join it. A model that credited
 * nothing has no shares: its shares (NaN in the rows, null in the summary) and error are
 * left for readers to skip, not scored as a split of nothing.
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
  const touchChannels = new Set<string>(TOUCH_CHANNELS);
  const channels = CHANNELS.filter((name, code) => touchChannels.has(name) || trueCredit[code]! > 0 || trueCaused[code]! > 0 || modelChannels.has(name));
  const trueShares = channels.map((name) => ratio(trueCredit[Channel[name]]!, touchCredit));

  const rows: AccuracyRows = { model: [], channel: [], creditShare: [], trueShare: [], shareError: [], credited: [], trueCaused: [] };
  const models: Record<string, ModelAccuracy> = {};
  for (const [model, credit] of Object.entries(report.models)) {
    const credited = channels.map((name) => credit.conversions[name] ?? 0);
    const total = sum(credited);
    let absoluteError = 0;
    channels.forEach((name, i) => {
      const share = total > 0 ? credited[i]! / total : Number.NaN;
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
      // Without true touch credit there are no true shares to be off from.
      channelShareMAE: total > 0 && touchCredit > 0 ? absoluteError / channels.length : null,
      conversionsCredited: total,
      trueConversions,
      capturedShare: ratio(total, trueConversions),
      channelShares: Object.fromEntries(channels.map((name, i) => [name, total > 0 ? credited[i]! / total : null])),
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
      shortenedConversions: counts.shortenedConversions,
      duplicatesDropped: counts.duplicatesDropped,
    },
  };
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

/** a / b, and NaN (null in run.json) when there is nothing to divide by: a ratio of nothing is not 0. */
function ratio(a: number, b: number): number {
  return b > 0 ? a / b : Number.NaN;
}
