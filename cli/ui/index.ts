/**
 * The web UI of `use-durable dev`: `startUi({ engine })` serves the executions list, each
 * execution's timeline and its callback / stop actions on 127.0.0.1. cli/ui/SPEC.md is the contract.
 */
export { startUi } from "./server.ts";
export type { UiOptions, UiServer } from "./server.ts";
export type { ManifestLookup, UiManifest, ExecutionRow, ExecutionDetail, OperationView, Segment } from "./views.ts";
