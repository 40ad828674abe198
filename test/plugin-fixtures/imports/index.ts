// A barrel: everything of ./activities.ts, and the module itself as a namespace.
export * from "./activities.ts";
export * as acts from "./activities.ts";
