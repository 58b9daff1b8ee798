import { attributionEngine } from "./attribution/stream/engine.js";
import { aipsEngine } from "./aips/index.js";
import type { Engine } from "./engine.js";
import { liftEngine } from "./lift/index.js";

/** Engines that run inside every `zhongcao run`, in this order. */
export const ENGINES: readonly Engine[] = [attributionEngine, aipsEngine, liftEngine];
