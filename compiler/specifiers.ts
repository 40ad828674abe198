/**
 * The only place the compiler spells the runtime's module specifiers and the identifiers it writes
 * into emitted code. The compiler never imports the runtime; it writes these strings.
 */

/** The public API users import intrinsics from. */
export const PUBLIC_SPECIFIER = "use-durable";
/** What emitted code imports; the names used on it are fixed in runtime/SPEC.md. */
export const INTERNAL_SPECIFIER = "use-durable/internal";
/** The namespace identifier emitted code uses for the internal module. */
export const RUNTIME_NS = "__ud";
/** Prefix of temporaries the compiler declares (`__ud_t1`). */
export const TEMP_PREFIX = "__ud_t";
/** Parameter of a concurrency branch that received its call's arguments up front. */
export const BRANCH_ARGS = "__ud_args";
/** Name given to an anonymous `export default` declaration so it can reference itself. */
export const DEFAULT_SELF = "__ud_default";

/** The module's call-site table (sites.ts), a hoisted function every meta names. */
export const SITES = "__ud_sites";

export const IMPORT_LINE = `import * as ${RUNTIME_NS} from ${JSON.stringify(INTERNAL_SPECIFIER)}; `;

/** The functions of `use-durable/internal` the compiler calls. */
export const RT = {
  registerStep: `${RUNTIME_NS}.registerStep`,
  registerDurable: `${RUNTIME_NS}.registerDurable`,
  durable: `${RUNTIME_NS}.durable`,
  enterDurable: `${RUNTIME_NS}.enterDurable`,
  enterStep: `${RUNTIME_NS}.enterStep`,
  callStep: `${RUNTIME_NS}.callStep`,
  callDurable: `${RUNTIME_NS}.callDurable`,
  call: `${RUNTIME_NS}.call`,
  promiseAll: `${RUNTIME_NS}.promiseAll`,
  promiseAllSettled: `${RUNTIME_NS}.promiseAllSettled`,
  promiseAny: `${RUNTIME_NS}.promiseAny`,
  promiseRace: `${RUNTIME_NS}.promiseRace`,
  mapAll: `${RUNTIME_NS}.mapAll`,
  mapAllSettled: `${RUNTIME_NS}.mapAllSettled`,
  registerClass: `${RUNTIME_NS}.registerClass`,
  now: `${RUNTIME_NS}.now`,
  performanceNow: `${RUNTIME_NS}.performanceNow`,
  random: `${RUNTIME_NS}.random`,
  randomUUID: `${RUNTIME_NS}.randomUUID`,
  getRandomValues: `${RUNTIME_NS}.getRandomValues`,
} as const;

export const DIRECTIVE = { durable: "use durable", step: "use step" } as const;
export type DirectiveKind = keyof typeof DIRECTIVE;
