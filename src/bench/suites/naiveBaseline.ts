import { concatMap, distinct, filter, from, lastValueFrom, reduce } from "rxjs";
import { DAY_MS } from "../../sim/kernel.js";
import { DEFAULT_LOOKBACK_DAYS } from "../../engines/attribution/stream/index.js";
import { Role, ROLE_BY_KIND } from "../../engines/attribution/stream/touchKinds.js";
import type { ObservedBatch } from "../../pipeline/deliver.js";
import { deliveredBatches, type Fixture } from "../fixture.js";
import { measure, withUnits, type Measurement } from "../measure.js";
import type { Sampling } from "../plan.js";

/** One event as a plain object: the representation the columnar design avoids. */
interface EventObject {
  id: number;
  time: number;
  kind: number;
  user: number;
  brand: number;
  channel: number;
  value: number;
}

interface LastTouchState {
  readonly last: Map<number, EventObject>;
  readonly creditByChannel: Map<number, number>;
}

function* eventObjects(b: ObservedBatch): Generator<EventObject> {
  for (let i = 0; i < b.length; i++) {
    yield { id: b.id[i]!, time: b.time[i]!, kind: b.kind[i]!, user: b.user[i]!, brand: b.brand[i]!, channel: b.channel[i]!, value: b.value[i]! };
  }
}

/**
 * The naive baseline: the same observed rows as one JS object per event through an RxJS
 * pipeline (dedupe by id, keep touches and conversions, last touch per (user, brand)
 * within the lookback, credit per channel). Objects are made inside the pipeline because
 * allocating per event is exactly the cost the columnar design is measured against.
 */
export async function naiveBaselineSuite(f: Fixture, sampling: Sampling): Promise<Measurement> {
  const batches = deliveredBatches(f);
  const brands = f.world.brands.count;
  const lookbackMs = DEFAULT_LOOKBACK_DAYS * DAY_MS;
  const attribute = () =>
    lastValueFrom(
      from(batches).pipe(
        concatMap((b) => from(eventObjects(b))),
        distinct((e) => e.id),
        filter((e) => ROLE_BY_KIND[e.kind] !== Role.ignored && e.brand < brands),
        reduce<EventObject, LastTouchState>(
          (s, e) => {
            const key = e.user * brands + e.brand;
            if (ROLE_BY_KIND[e.kind] === Role.touch) {
              s.last.set(key, e);
              return s;
            }
            const touch = s.last.get(key);
            if (touch && e.time - touch.time <= lookbackMs) {
              s.creditByChannel.set(touch.channel, (s.creditByChannel.get(touch.channel) ?? 0) + e.value);
            }
            return s;
          },
          { last: new Map(), creditByChannel: new Map() },
        ),
      ),
    ).then((s) => [...s.creditByChannel.values()].reduce((a, b) => a + b, 0));
  const expected = await attribute();
  const timing = await measure(
    "naive-baseline",
    async () => {
      if ((await attribute()) !== expected) throw new Error("naive baseline gave a different credit total");
    },
    sampling,
  );
  return withUnits(timing, f.deliveredRows);
}
