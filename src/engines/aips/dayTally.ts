import { AipsState } from "../../events/enums.js";
import { STATE } from "./pairSignals.js";
import { CELLS, STATES, type FlowRows } from "./partial.js";
import { paddedBytes, wordsOf } from "./wordScan.js";

/**
 * Tallies each day: engine state counts and flows since the previous snapshot, true
 * state counts and new TI users, and the confusion of the two. Counts include `none` only
 * for users who met the brand (engine: an observed signal; truth: a state at some day
 * end). A confusion pair-day counts when either side places the pair in a state.
 *
 * Running totals are updated only for pairs whose engine or true state changed since the
 * previous day, found by comparing four pairs at a time, so a day costs about the number
 * of changes rather than the number of pairs.
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
  private readonly enginePrev: Uint8Array;
  private readonly enginePrevWords: Uint32Array;
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
    this.enginePrev = paddedBytes(pairCount);
    this.enginePrevWords = wordsOf(this.enginePrev);
    this.truthMet = paddedBytes(pairCount);
    this.cells = new Uint32Array(brandCount * CELLS);
  }

  /**
   * `engine`: derived states with the MET bit; `truth`, `truthBefore`: latent states at
   * this and the previous day end. All three are padded (see wordScan).
   */
  add(day: number, engine: Uint8Array, truth: Uint8Array, truthBefore: Uint8Array): void {
    const { enginePrev, enginePrevWords, cells } = this;
    const engineWords = wordsOf(engine);
    const truthWords = wordsOf(truth);
    const beforeWords = wordsOf(truthBefore);
    const newTi = new Uint32Array(this.brandCategory.length);
    cells.fill(0);
    for (let w = 0; w < engineWords.length; w++) {
      if (engineWords[w] === enginePrevWords[w] && truthWords[w] === beforeWords[w]) continue;
      for (let pair = w << 2; pair < Math.min((w << 2) + 4, this.pairCount); pair++) {
        if (engine[pair] !== enginePrev[pair] || truth[pair] !== truthBefore[pair]) {
          this.change(pair, enginePrev[pair]!, engine[pair]!, truthBefore[pair]!, truth[pair]!, newTi);
        }
      }
    }
    enginePrev.set(engine);
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
