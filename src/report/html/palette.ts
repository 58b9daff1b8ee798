import { AIPS_STATES, CHANNELS } from "../../events/enums.js";

/** One colour per channel and per AIPS state, the same in every chart of every report. */
const CHANNEL_COLORS: readonly string[] = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f"];
const STATE_COLORS: readonly string[] = ["#bab0ac", "#9ecae9", "#4e79a7", "#e15759", "#59a14f", "#b07aa1"];

/** A vega-lite colour scale over the given channels, in CHANNELS order. */
export function channelScale(channels: readonly string[]): { domain: string[]; range: string[] } {
  const domain = CHANNELS.filter((c) => channels.includes(c)) as string[];
  return { domain, range: domain.map((c) => CHANNEL_COLORS[CHANNELS.indexOf(c as (typeof CHANNELS)[number])]!) };
}

export function stateScale(states: readonly string[]): { domain: string[]; range: string[] } {
  const domain = AIPS_STATES.filter((s) => states.includes(s)) as string[];
  return { domain, range: domain.map((s) => STATE_COLORS[AIPS_STATES.indexOf(s as (typeof AIPS_STATES)[number])]!) };
}

/** Truth beside what is observed or inferred. */
export const TRUTH_COLOR = "#333333";
export const OBSERVED_COLOR = "#e15759";
