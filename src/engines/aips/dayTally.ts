import { AipsState } from "../../events/enums.js";
import { STATE } from "./pairSignals.js";
import { CELLS, STATES, type FlowRows } from "./partial.js";
import { zeroed } from "../../events/zeroed.js";

/**
 * Tallies each day: engine state counts and flows since the previous snapshot, true
 * state counts and new TI users, and the confusion of the two. Counts include `none` only
 * for users who met the brand (engine: an observed signal; truth: a state at some day
 * end). A confusion pair-day counts when either side places the pair in a state.
 *
 * Running totals are updated only for pairs whose engine or true state changed since the
 * previous day, taken from the two sides' change sets, so a day costs about the number of
 * changes rather than the number of pairs.
 */
export class DayTally {
  readonly engineCounts: Uint32Array[] = [];
  readonly truthCounts: Uint32Array[] = [];
  readonly truthNewTi: Uint32Array[] = [];
  readonly flows: FlowRows = { day: [], cell: [], users: [] };
  /** Pair-days summed over the days tallied so far. */
  readonly confusion: Float64Array;
  private readonly engineNow: Uint32Array;
  private readonly truthNow: Uint32Array;
  private readonly confusionNow: Float64Array;
  /** Each pair's engine state at the previous day's tally. */
  private readonly enginePrev: Uint8Array;
  private readonly truthMet: Uint8Array;
  private readonly cells: Uint32Array;

  constructor(
    private readonly pairCount: number,
    private readonly brandCategory: Uint8Array,
    categoryCount: number,
  ) {
    const brandCount = brandCategory.length;
    this.confusion = new Float64Array(categoryCount * CELLS);
    this.confusionNow = new Float64Array(categoryCount * CELLS);
    this.engineNow = new Uint32Array(brandCount * STATES);
    this.truthNow = new Uint32Array(brandCount * STATES);
    this.enginePrev = zeroed(Uint8Array, pairCount);
    this.truthMet = zeroed(Uint8Array, pairCount);
    this.cells = new Uint32Array(brandCount * CELLS);
  }

  /**
   * `engine`: derived states with the MET bit; `truth`, `truthBefore`: latent states at
   * this and the previous day end. `engineChanged` holds (at least) the pairs whose engine
   * state changed since the previous call and is emptied here; `truthChanged` holds (at
   * least) the pairs whose true state differs between `truthBefore` and `truth`.
   */
  add(day: number, engine: Uint8Array, engineChanged: Uint32Array, truth: Uint8Array, truthBefore: Uint8Array, truthChanged: Uint32Array): void {
    const newTi = new Uint32Array(this.brandCategory.length);
    this.cells.fill(0);
    this.visitChanged(engine, engineChanged, truth, truthBefore, truthChanged, newTi);
    const { cells } = this;
    for (let cell = 0; cell < cells.length; cell++) {
      if (cells[cell] === 0) continue;
      this.flows.day.push(day);
      this.flows.cell.push(cell);
      this.flows.users.push(cells[cell]!);
    }
    this.engineCounts.push(this.engineNow.slice());
    this.truthCounts.push(this.truthNow.slice());
    this.truthNewTi.push(newTi);
    for (let i = 0; i < this.confusion.length; i++) this.confusion[i]! += this.confusionNow[i]!;
  }

  /** Both change sets' pairs, in pair order: each one whose states differ is moved. */
  private visitChanged(engine: Uint8Array, engineChanged: Uint32Array, truth: Uint8Array, truthBefore: Uint8Array, truthChanged: Uint32Array, newTi: Uint32Array): void {
    const { enginePrev } = this;
    for (let w = 0; w < engineChanged.length; w++) {
      let word = engineChanged[w]! | truthChanged[w]!;
      if (word === 0) continue;
      engineChanged[w] = 0;
      while (word !== 0) {
        const lowest = word & -word;
        word ^= lowest;
        const pair = (w << 5) + 31 - Math.clz32(lowest);
        const raw = engine[pair]!;
        if (raw !== enginePrev[pair] || truth[pair] !== truthBefore[pair]) {
          this.change(pair, enginePrev[pair]!, raw, truthBefore[pair]!, truth[pair]!, newTi);
          enginePrev[pair] = raw;
        }
      }
    }
  }

  /** Moves one pair's contribution from its previous (engine, truth) states to the new ones. */
  private change(pair: number, rawBefore: number, raw: number, tBefore: number, t: number, newTi: Uint32Array): void {
    const brand = pair % this.brandCategory.length;
    const at = brand * STATES;
    const eBefore = rawBefore & STATE;
    const e = raw & STATE;
    if (raw !== rawBefore) {
      // The MET bit never clears, so the new state is always counted.
      if (rawBefore !== 0) this.engineNow[at + eBefore]!--;
      this.engineNow[at + e]!++;
      if (e !== eBefore) this.cells[brand * CELLS + eBefore * STATES + e]!++;
    }
    if (t !== tBefore) {
      if (this.truthMet[pair] === 1) this.truthNow[at + tBefore]!--;
      if (t !== AipsState.none) this.truthMet[pair] = 1;
      if (this.truthMet[pair] === 1) this.truthNow[at + t]!++;
      if (t === AipsState.TI && tBefore < AipsState.TI) newTi[brand]!++;
    }
    const category = this.brandCategory[brand]! * CELLS;
    if ((tBefore | eBefore) !== 0) this.confusionNow[category + tBefore * STATES + eBefore]!--;
    if ((t | e) !== 0) this.confusionNow[category + t * STATES + e]!++;
  }
}
