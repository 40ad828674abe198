/**
 * use-durable/internal: only what compiled code imports (runtime/SPEC.md fixes each signature).
 * Nothing here is for hand-written code; the public API is runtime/index.ts.
 */
export { registerDurable } from "./dialect/tags.ts";
export type { Fn, StepMeta, DurableMeta } from "./dialect/tags.ts";
export { registerStep, enterStep, durable, enterDurable, callStep, callDurable, call } from "./dialect/dispatch.ts";
export { promiseAll, promiseAllSettled, promiseAny, promiseRace, mapAll, mapAllSettled } from "./dialect/js-concurrency.ts";
export { registerClass } from "./context/class-registry.ts";
export { now, performanceNow } from "./dialect/replay-clock.ts";
export { random, randomUUID, getRandomValues } from "./dialect/replay-random.ts";
import { noteCompiledCode } from "./dialect/compiled-code.ts";

// Only compiled code imports this module: intrinsics called outside an execution can now tell a
// missing plugin from a misplaced call (dialect/compiled-code.ts).
noteCompiledCode();
