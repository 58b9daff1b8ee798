import { join } from "node:path";
import { makeSchema, type ColumnSpec, type ColumnValues, type RunIdentity } from "../../arrow/columns.js";
import { writeArrowFile, type WrittenFile } from "../../arrow/fileSink.js";
import { AIPS_ACCURACY_SPECS } from "../../arrow/schemas/aipsAccuracy.js";
import { AIPS_DAILY_SPECS } from "../../arrow/schemas/aipsDaily.js";
import { AIPS_FLOWS_SPECS } from "../../arrow/schemas/aipsFlows.js";
import { AIPS_NEW_TI_SPECS } from "../../arrow/schemas/aipsNewTi.js";
import { dailyAdSpendYuan } from "../../world/adSpend.js";
import type { World } from "../../world/world.js";
import { allCategories, isNewTiCell } from "./accuracy.js";
import type { CombinedAips } from "./combine.js";
import { CELLS, STATES } from "./partial.js";

/** Writes the AIPS Arrow files into `dir`. */
export async function writeAipsFiles(dir: string, identity: RunIdentity, c: CombinedAips, world: World, users: number): Promise<WrittenFile[]> {
  const write = (name: string, specs: readonly ColumnSpec[], cols: Record<string, ColumnValues>, rows: number) =>
    writeArrowFile(join(dir, name), makeSchema(specs, identity), specs, cols, rows);
  const daily = dailyColumns(c);
  const flows = flowColumns(c);
  const newTi = newTiColumns(c, dailyAdSpendYuan(world, users));
  const accuracy = accuracyColumns(c, world);
  return [
    await write("aips_daily.arrow", AIPS_DAILY_SPECS, daily.cols, daily.rows),
    await write("aips_flows.arrow", AIPS_FLOWS_SPECS, flows.cols, flows.rows),
    await write("aips_new_ti.arrow", AIPS_NEW_TI_SPECS, newTi.cols, newTi.rows),
    await write("aips_accuracy.arrow", AIPS_ACCURACY_SPECS, accuracy.cols, accuracy.rows),
  ];
}

interface Table {
  readonly cols: Record<string, ColumnValues>;
  readonly rows: number;
}

function dailyColumns(c: CombinedAips): Table {
  const rows = c.days * c.brandCount * STATES;
  const cols = {
    day: new Uint32Array(rows),
    brand: new Uint32Array(rows),
    state: new Uint8Array(rows),
    users_engine: new Uint32Array(rows),
    users_truth: new Uint32Array(rows),
  };
  for (let day = 0, r = 0; day < c.days; day++) {
    const engine = c.engineCounts[day]!;
    const truth = c.truthCounts[day]!;
    for (let i = 0; i < c.brandCount * STATES; i++, r++) {
      cols.day[r] = day;
      cols.brand[r] = Math.floor(i / STATES);
      cols.state[r] = i % STATES;
      cols.users_engine[r] = engine[i]!;
      cols.users_truth[r] = truth[i]!;
    }
  }
  return { cols, rows };
}

function flowColumns(c: CombinedAips): Table {
  const { day, cell, users } = c.flows;
  const within = cell.map((x) => x % CELLS);
  return {
    cols: {
      day,
      brand: cell.map((x) => Math.floor(x / CELLS)),
      from_state: within.map((x) => Math.floor(x / STATES)),
      to_state: within.map((x) => x % STATES),
      users,
    },
    rows: day.length,
  };
}

function newTiColumns(c: CombinedAips, dailySpend: Float64Array): Table {
  const perDay = Array.from({ length: c.days }, () => new Float64Array(c.brandCount));
  c.flows.cell.forEach((cell, i) => {
    if (isNewTiCell(cell)) perDay[c.flows.day[i]!]![Math.floor(cell / CELLS)]! += c.flows.users[i]!;
  });
  const cols = {
    day: [] as number[],
    brand: [] as number[],
    new_ti_users: [] as number[],
    new_ti_users_truth: [] as number[],
    ad_spend_yuan: [] as number[],
    cost_per_new_ti_yuan: [] as number[],
    true_cost_per_new_ti_yuan: [] as number[],
  };
  perDay.forEach((users, day) => {
    users.forEach((n, brand) => {
      const truth = c.truthNewTi[day]![brand]!;
      // Days where only the truth moved count too, or the file's truth total falls short.
      if (n === 0 && truth === 0) return;
      const spend = dailySpend[brand]!;
      cols.day.push(day);
      cols.brand.push(brand);
      cols.new_ti_users.push(n);
      cols.new_ti_users_truth.push(truth);
      cols.ad_spend_yuan.push(spend);
      // A brand that spent nothing bought no TI user: no cost, as run.json's null says.
      cols.cost_per_new_ti_yuan.push(n > 0 && spend > 0 ? spend / n : Number.NaN);
      cols.true_cost_per_new_ti_yuan.push(truth > 0 && spend > 0 ? spend / truth : Number.NaN);
    });
  });
  return { cols, rows: cols.day.length };
}

function accuracyColumns(c: CombinedAips, world: World): Table {
  const categories = world.categories.names.length;
  const all = allCategories(c.confusion);
  const present = [...Array(categories).keys()].filter((k) => world.brands.category.includes(k));
  const matrices = [all, ...present.map((k) => c.confusion.subarray(k * CELLS, (k + 1) * CELLS))];
  // Scope codes index AIPS_ACCURACY_SCOPES: 0 is "all", category k (CATEGORY_NAMES order) is k + 1.
  const scopes = [0, ...present.map((k) => k + 1)];
  const cols = { scope: [] as number[], truth_state: [] as number[], engine_state: [] as number[], pair_days: [] as number[] };
  matrices.forEach((m, s) => {
    for (let i = 0; i < CELLS; i++) {
      cols.scope.push(scopes[s]!);
      cols.truth_state.push(Math.floor(i / STATES));
      cols.engine_state.push(i % STATES);
      cols.pair_days.push(m[i]!);
    }
  });
  return { cols, rows: cols.scope.length };
}
