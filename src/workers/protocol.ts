import type { MessagePort } from "node:worker_threads";
import type { Scenario } from "../config/schema.js";
import type { Counterfactual, ShardSpec } from "../sim/shard.js";

/** What the main thread sends a worker for one shard: a few numbers and the resolved scenario. */
export interface ShardTask {
  readonly scenario: Scenario;
  readonly scenarioSha256: string;
  readonly spec: ShardSpec;
  readonly eventsDir: string | null;
  readonly batchRows: number;
  readonly counterfactual: Counterfactual;
  /** Receives `{ day, rows }` after each simulated day. */
  readonly progress: MessagePort;
  /** Shared by every task of a run; the main thread sets it non-zero to stop shards at their next day end. */
  readonly cancel: Int32Array;
}

/** A shard stopped because the run was cancelled (another shard failed, or an abort). */
export class ShardCancelled extends Error {
  constructor(shard: number) {
    super(`shard ${shard} stopped: the run was cancelled`);
    this.name = "ShardCancelled";
  }
}

export interface DayProgress {
  readonly day: number;
  readonly rows: number;
}

/**
 * A shard's last message on its progress port, after its last day's: the main thread may
 * close the port once it is in. (The port's own close is no signal: an idle worker waits
 * for its next task without running its event loop, so its close can arrive a pool's
 * lifetime late.)
 */
export interface ProgressDone {
  readonly done: true;
}

export type ProgressMessage = DayProgress | ProgressDone;

/**
 * Test hook: `ZHONGCAO_FAIL_SHARD=N` makes shard N throw after its first day, and
 * `ZHONGCAO_FAIL_SHARD=N:exit` makes the worker thread that takes shard N exit at once
 * (exit code INJECTED_EXIT_CODE), so tests can check that a worker that throws or dies
 * fails the run cleanly. Not a user setting.
 */
export const FAIL_SHARD_ENV = "ZHONGCAO_FAIL_SHARD";
export const INJECTED_EXIT_CODE = 70;

export function injectedFailure(shard: number): Error | null {
  const value = process.env[FAIL_SHARD_ENV];
  return value !== undefined && Number(value) === shard ? new Error(`injected failure (${FAIL_SHARD_ENV}=${value})`) : null;
}

/** True when the worker taking `shard` is to die (`N:exit`); checked in worker threads only. */
export function injectedExit(shard: number): boolean {
  return process.env[FAIL_SHARD_ENV] === `${shard}:exit`;
}
