import { TOUCH_CHANNELS } from "../events/enums.js";

/**
 * Runs of one scenario per replication: the run itself and, with incrementality, a twin
 * without each touch channel. Light on imports: the CLI sizes the work with it before it
 * loads the engine.
 */
export function runsPerReplication(incrementality: boolean): number {
  return 1 + (incrementality ? TOUCH_CHANNELS.length : 0);
}
