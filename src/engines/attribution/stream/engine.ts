import { counted } from "../../../plural.js";
import { resolveLinkPolicy } from "../../../sim/policy.js";
import type { Engine } from "../../engine.js";
import { attributePaths } from "../attributePaths.js";
import { builtInModelNames } from "../registry.js";
import { scoreAttribution } from "./accuracy.js";
import { JourneyBuilder } from "./journeyBuilder.js";
import type { JourneyCounts, JourneyPartial } from "./journeyLog.js";
import { mergeJourneys } from "./journeyTable.js";
import { noteCredit } from "./noteCredit.js";
import { streamSettingsFor, type StreamAttributionSettings } from "./settings.js";

/**
 * The attribution stage of `zhongcao run`: each shard folds its observed stream
 * into journeys; the main thread merges them in shard order, runs every built-in
 * model, breaks per-touch credit down by note, and scores each model against truth.
 */
export const attributionEngine: Engine<JourneyPartial> = {
  name: "attribution",
  createShardEngine(ctx) {
    const builder = new JourneyBuilder(streamSettingsFor(ctx.policy));
    return {
      consume: (batch) => builder.consume(batch),
      finish: () => builder.finish(),
    };
  },
  async finalize(partials, ctx) {
    const settings = streamSettingsFor(resolveLinkPolicy(ctx.scenario, ctx.world));
    const journeys = mergeJourneys(partials);
    const options = { halfLife: settings.halfLifeDays, windowDays: settings.cidWindowDays };
    const report = attributePaths(journeys.table, { ...options, models: builtInModelNames() });
    const notes = noteCredit(journeys, options);
    const { rows, summary } = scoreAttribution(report, ctx.truth, journeys.counts);
    // Loaded here, on the main thread only: worker threads never load the Arrow writer.
    const { writeAttributionFiles } = await import("./outputs.js");
    const files = await writeAttributionFiles(ctx.dir, ctx.identity, report, notes, ctx.world.notes.creator, rows);
    return { files, accuracy: { settings, ...summary }, warnings: lateWarnings(journeys.counts, settings) };
  },
};

function lateWarnings(counts: JourneyCounts, settings: StreamAttributionSettings): string[] {
  const warnings: string[] = [];
  const late = counts.lateTouches + counts.lateConversions;
  if (late > 0) {
    warnings.push(
      `attribution: ${late} events (${counts.lateTouches} touches, ${counts.lateConversions} conversions) arrived after their ` +
        `journey had closed (allowed lateness ${settings.allowedLatenessHours} h) and were counted but not used`,
    );
  }
  if (counts.shortenedConversions > 0) {
    warnings.push(
      `attribution: ${counted(counts.shortenedConversions, "conversion")} arrived more than the allowed lateness (${settings.allowedLatenessHours} h) late, ` +
        "after touches in their look-back had been let go: their paths are shorter than on time (shortenedConversions)",
    );
  }
  return warnings;
}
