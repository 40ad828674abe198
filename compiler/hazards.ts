/**
 * Sources of non-determinism in a durable body (UD201-UD206), one place with each one's reason,
 * and for those the runtime makes replay-stable, the runtime call that replaces them (`stable`;
 * replay-stable.ts makes the edit). Only classifies; never edits.
 */
import type { DiagnosticCode } from "./diagnostics.ts";
import type { FileContext } from "./file-context.ts";
import { RT } from "./specifiers.ts";
import { isLocal } from "./scope.ts";
import type { TS } from "./typescript.ts";

const CRYPTO_FNS = new Set(["randomUUID", "getRandomValues", "randomBytes", "randomInt"]);

function isGlobal(fc: FileContext, id: TS.Identifier, name: string): boolean {
  return id.text === name && !fc.resolver.bindings.has(name) && !isLocal(fc.ts, name, id);
}

function member(fc: FileContext, e: TS.Expression, object: string, names: ReadonlySet<string> | string): boolean {
  const { ts } = fc;
  if (!ts.isPropertyAccessExpression(e)) return false;
  const ok = typeof names === "string" ? e.name.text === names : names.has(e.name.text);
  if (!ok) return false;
  let obj = e.expression;
  // globalThis.crypto.randomUUID() and window.performance.now() are the same source.
  if (ts.isPropertyAccessExpression(obj) && ts.isIdentifier(obj.expression) && ["globalThis", "window", "self"].includes(obj.expression.text)) obj = obj.name;
  return ts.isIdentifier(obj) && (obj === (e.expression as TS.Node) ? isGlobal(fc, obj, object) : obj.text === object);
}

function importedFromCrypto(fc: FileContext, e: TS.Expression): boolean {
  const { ts } = fc;
  const id = ts.isIdentifier(e) ? e : ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) ? e.expression : undefined;
  if (!id || isLocal(ts, id.text, id)) return false;
  const b = fc.resolver.bindings.get(id.text);
  if (b?.kind !== "import" || !/^(node:)?crypto$/.test(b.source)) return false;
  const fnName = ts.isIdentifier(e) ? b.imported : (e as TS.PropertyAccessExpression).name.text;
  return CRYPTO_FNS.has(fnName);
}

const HAZARD_MEMBERS = new Set(["now", "random", ...CRYPTO_FNS]);
/** Node modules whose `...Sync` functions block on I/O. */
const SYNC_IO_MODULES = /^(node:)?(fs|child_process|zlib)$/;

/** `fs.readFileSync(...)`, `readFileSync(...)`, `cp.execSync(...)` with the callee imported from a module with blocking I/O. */
function syncIo(fc: FileContext, e: TS.Expression): boolean {
  const { ts } = fc;
  const id = ts.isIdentifier(e) ? e : ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) ? e.expression : undefined;
  if (!id || isLocal(ts, id.text, id)) return false;
  const b = fc.resolver.bindings.get(id.text);
  if (b?.kind !== "import" || !SYNC_IO_MODULES.test(b.source)) return false;
  const name = ts.isIdentifier(e) ? b.imported : (e as TS.PropertyAccessExpression).name.text;
  return name.endsWith("Sync");
}
const TIMERS = new Set(["setTimeout", "setInterval", "setImmediate"]);

export interface Hazard {
  code: DiagnosticCode;
  what: string;
  /** The runtime function that replaces the callee, when the runtime makes it replay-stable. */
  stable?: string;
}

/** A note's text: what the call is now, and why a replay sees the same. */
const stable = (text: string, how: string): string => `${text} is replay-stable here (${how}): every replay sees what the first run saw`;

export function callHazard(fc: FileContext, call: TS.CallExpression): Hazard | undefined {
  const { ts } = fc;
  const e = call.expression;
  // Most calls are none of these: reject on the last name before any scope lookup.
  const last = ts.isPropertyAccessExpression(e) ? e.name.text : ts.isIdentifier(e) ? e.text : undefined;
  if (last === undefined || !(HAZARD_MEMBERS.has(last) || TIMERS.has(last) || last.endsWith("Sync") || (ts.isIdentifier(e) && fc.resolver.bindings.get(last)?.kind === "import"))) return undefined;
  if (syncIo(fc, e)) return { code: "UD213", what: `Synchronous I/O \`${e.getText(fc.sf)}()\` runs again on every replay and blocks the invocation` };
  if (member(fc, e, "Date", "now")) return { code: "UD201", what: stable("`Date.now()`", "the durable clock: when the last operation the code awaited ended"), stable: RT.now };
  if (member(fc, e, "Math", "random")) return { code: "UD203", what: stable("`Math.random()`", "drawn from the execution and the position in the code"), stable: RT.random };
  if (member(fc, e, "crypto", CRYPTO_FNS) || importedFromCrypto(fc, e)) {
    const name = ts.isPropertyAccessExpression(e) ? e.name.text : cryptoImportName(fc, e);
    const text = `\`${e.getText(fc.sf)}()\``;
    if (name === "randomUUID") return { code: "UD204", what: stable(text, "drawn from the execution and the position in the code"), stable: RT.randomUUID };
    if (name === "getRandomValues") return { code: "UD204", what: stable(text, "drawn from the execution and the position in the code"), stable: RT.getRandomValues };
    return { code: "UD204", what: `${text} returns a different value on every replay` };
  }
  if (member(fc, e, "performance", "now")) return { code: "UD205", what: stable("`performance.now()`", "the durable clock, from the execution's start"), stable: RT.performanceNow };
  if (ts.isIdentifier(e) && ["setTimeout", "setInterval", "setImmediate"].some((n) => isGlobal(fc, e, n)))
    return { code: "UD206", what: `\`${e.text}\` schedules work that is lost when the function suspends` };
  return undefined;
}

export function newHazard(fc: FileContext, node: TS.NewExpression): Hazard | undefined {
  const { ts } = fc;
  if (ts.isIdentifier(node.expression) && isGlobal(fc, node.expression, "Date") && (node.arguments?.length ?? 0) === 0)
    return { code: "UD202", what: stable("`new Date()`", "the durable clock"), stable: RT.now };
  return undefined;
}

/** The imported name of a crypto function called by its local name (`import { randomUUID as uuid }`). */
function cryptoImportName(fc: FileContext, e: TS.Expression): string | undefined {
  const b = fc.resolver.bindings.get((e as TS.Identifier).text);
  return b?.kind === "import" ? b.imported : undefined;
}
