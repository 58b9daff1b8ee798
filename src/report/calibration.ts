import type { Scenario } from "../config/schema.js";
import { Channel, Kind, Platform } from "../events/enums.js";
import type { Combined } from "../run/combine.js";
import { DAY_MS } from "../sim/kernel.js";

/**
 * Calibration: statistics of a run next to the DOMAIN.md facts the default scenario is
 * tuned to. A target is a closed range; `ok` says whether the run landed inside it.
 * Targets follow the scenario where it sets the quantity (e.g. femaleShare), so a
 * deliberately different scenario is checked against itself, not against the default.
 */
export interface CalibrationRow {
  readonly metric: string;
  readonly value: number;
  readonly min: number;
  readonly max: number;
  readonly ok: boolean;
  readonly source: string;
}

function row(metric: string, value: number, min: number, max: number, source: string): CalibrationRow {
  return { metric, value, min, max, ok: value >= min && value <= max, source };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);

/** DOMAIN.md CTR ranges for image notes; other categories are checked against the scenario's ctr ± 35 %. */
const DOMAIN_CTR: Record<string, readonly [number, number]> = {
  beauty: [0.03, 0.05],
  fashion: [0.02, 0.04],
  home: [0.01, 0.02],
};

export function calibrate(s: Scenario, c: Combined, categoryNames: readonly string[]): CalibrationRow[] {
  const rows: CalibrationRow[] = [];
  const u = c.users;
  const p = s.population;
  const sampling = (share: number) => 4 * Math.sqrt((share * (1 - share)) / Math.max(1, u.total)) + 0.002;
  rows.push(row("users.femaleShare", ratio(u.female, u.total), p.femaleShare - sampling(p.femaleShare), p.femaleShare + sampling(p.femaleShare), "DOMAIN: 70 % female"));
  const after2000 = p.cohorts.after2000 / (p.cohorts.after2000 + p.cohorts.from1995to1999 + p.cohorts.before1995);
  rows.push(row("users.bornAfter2000", ratio(u.after2000, u.total), after2000 - sampling(after2000), after2000 + sampling(after2000), "DOMAIN: 35 % born after 2000"));
  rows.push(row("users.bornAfter1995", ratio(u.after1995, u.total), 0.45, 0.55, "DOMAIN: ~50 % born after 1995"));
  rows.push(row("users.tier1or2City", ratio(u.tier12, u.total), 0.45, 0.55, "DOMAIN: ~50 % in tier-1/2 cities"));
  rows.push(row("users.activeSearchers", ratio(u.searchers, u.total), p.searcherShare - sampling(p.searcherShare), p.searcherShare + sampling(p.searcherShare), "DOMAIN: 70 % search actively"));

  const t = c.tally;
  let imageImpressions = 0;
  let imageReads = 0;
  let videoImpressions = 0;
  let videoReads = 0;
  categoryNames.forEach((name, cat) => {
    const imp = t.feedImpressions[cat * 2]!;
    const reads = t.feedReads[cat * 2]!;
    imageImpressions += imp;
    imageReads += reads;
    videoImpressions += t.feedImpressions[cat * 2 + 1]!;
    videoReads += t.feedReads[cat * 2 + 1]!;
    if (imp < 1000) return;
    const configured = s.categories[name as keyof Scenario["categories"]].ctr;
    const [min, max] = DOMAIN_CTR[name] ?? [configured * 0.65, configured * 1.35];
    rows.push(row(`feed.ctr.image.${name}`, reads / imp, min, max, DOMAIN_CTR[name] ? `DOMAIN: ${name} ${min * 100}–${max * 100} %` : "scenario ctr ± 35 %"));
  });
  const videoLift = ratio(ratio(videoReads, videoImpressions), ratio(imageReads, imageImpressions));
  const m = s.behaviour.videoCtrMultiplier;
  rows.push(row("feed.ctr.videoOverImage", videoLift, m * 0.8, m * 1.2, "DOMAIN: video about 2× image"));
  rows.push(row("engagement.interactionRate", ratio(t.interactions, t.byKind[Kind.read]!), 0.03, 0.05, "DOMAIN: interaction rate 3–5 % of reads"));
  const feedImpressions = t.feedImpressions.reduce((a, b) => a + b, 0);
  const smallShare = s.creators.smallCreatorTrafficShare;
  rows.push(row("traffic.smallCreatorShare", ratio(t.smallCreatorImpressions, feedImpressions), smallShare - 0.05, smallShare + 0.05, "DOMAIN: ~half of traffic to creators < 1,000 followers"));

  const pur = c.purchases;
  let link = 0;
  let linkLate = 0;
  let shop = 0;
  for (let i = 0; i < pur.id.length; i++) {
    if (pur.platform[i] === Platform.red_shop) shop++;
    if (pur.clickId[i] !== 0 && pur.channel[i] === Channel.link) {
      link++;
      if (pur.time[i]! - pur.clickTime[i]! > 7 * DAY_MS) linkLate++;
    }
  }
  if (link >= 50) rows.push(row("purchases.linkAfterDay7", linkLate / link, 0.3, 0.5, "DOMAIN: ~40 % of link conversions arrive after day 7"));
  rows.push(row("purchases.ownShopShare", ratio(shop, pur.id.length), 0, 0.1, "DOMAIN: own shop well under a tenth"));
  // A figure with nothing to measure (no purchases, no reads in a tiny run) is not judged:
  // it is left out, as linkAfterDay7 is below 50 link purchases, rather than counted as a miss.
  return rows.filter((r) => Number.isFinite(r.value));
}
