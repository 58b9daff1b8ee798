import { CreditSheet } from "./table.js";
import type { AttributionModel } from "./types.js";

/**
 * Exact Shapley value of the game v(S) = conversions (resp. value) of the
 * journeys whose set of channels is a subset of S.
 *
 * Closed form. Let w(T) be the conversions of the journeys whose channel set
 * is exactly T. Then v(S) = sum over T ⊆ S of w(T), that is
 * v = sum_T w(T)·u_T with the unanimity game u_T(S) = [T ⊆ S] (the w(T) are
 * the Möbius transform, or Harsanyi dividends, of v). In u_T a channel outside
 * T never changes the worth of a coalition, so it gets 0 (null player); the
 * channels of T are interchangeable, so they get equal amounts (symmetry);
 * and the amounts sum to u_T(all) = 1 (efficiency): each gets 1/|T|. The
 * Shapley value is linear in the game, hence
 *   phi_i(v) = sum over T containing i of w(T) / |T|,
 * and, by linearity again, each journey can be credited on its own: every
 * distinct channel of the journey gets conversions/|T| and value/|T|.
 * Nothing is enumerated over coalitions and nothing is sampled, so the result
 * is exact at any channel count. Journeys without conversions add nothing.
 */
export const shapley: AttributionModel = {
  name: "shapley",
  attribute(table) {
    const sheet = new CreditSheet(table.channels);
    for (let p = 0; p < table.paths.length; p++) {
      const conversions = table.conversions[p]!;
      if (conversions === 0) continue;
      const members = new Set(Array.from(table.paths[p]!));
      const share = 1 / members.size;
      for (const channel of members) sheet.give(channel, share, conversions, table.value[p]!);
    }
    return sheet.result();
  },
};
