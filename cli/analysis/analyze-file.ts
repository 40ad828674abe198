/**
 * The type-aware findings of one source file (UD401-UD405), against a whole program's checker: the
 * values crossing a serdes (step arguments and results, durable inputs and results, callback and
 * invoke payloads), non-determinism reached through aliases and helpers, writes a replay loses, and
 * durable calls whose callee may be plain. Also says, per awaited call, whether its callee is known
 * durable or plain, so a caller can drop the compiler's UD207 guesses the types settle.
 */
import type { CalleeResolver, CalleeValue, FunctionValue } from "./callee-values.ts";
import { capturedWrites } from "./captured-writes.ts";
import { markedFunctions, type FunctionLike, type MarkedFunction } from "./directive-functions.ts";
import { findingSink, type Finding, type FindingSink } from "./findings.ts";
import type { NondeterminismFinder } from "./nondeterminism.ts";
import { serdesProblems, type SerdesProfile } from "./serializable.ts";
import type { TS, TSApi } from "./ts-types.ts";

export interface AnalyzeOptions {
  /** The file as printed in findings (relative to the root). */
  file: string;
  profile: SerdesProfile;
  strict: boolean;
}

export interface FileAnalysis {
  findings: Finding[];
  /** `line:column` of awaited calls whose callee the types decide: the compiler's UD207 there is superseded. */
  settled: Set<string>;
}

export interface AnalysisContext {
  ts: TSApi;
  checker: TS.TypeChecker;
  resolver: CalleeResolver;
  nondeterminism: NondeterminismFinder;
}

const INLINE_STEPS = new Set(["step", "waitForCallback", "waitForCondition"]);
const LITERAL_SOURCES = /^(?:Date\.now|Math\.random|crypto\.randomUUID|crypto\.getRandomValues|performance\.now)$/;

export function analyzeFile(cx: AnalysisContext, sf: TS.SourceFile, options: AnalyzeOptions): FileAnalysis {
  const { ts, checker } = cx;
  const sink = findingSink(sf, options.file, options.strict);
  const settled = new Set<string>();
  const marked = markedFunctions(ts, sf);
  const markedNodes = new Set<TS.Node>(marked.map((m) => m.node));
  const configured = { has: (fn: TS.Node) => configuredSerdes(cx, fn.getSourceFile()).has(fn) };

  const checkValue = (type: TS.Type, root: string, at: TS.Node, what: string) => {
    for (const p of serdesProblems(ts, checker, type, root, options.profile)) {
      sink.report("UD401", `${what}: \`${p.path}: ${p.type}\` ${p.reason}.`, at, `${p.path}: ${p.type}`);
    }
  };
  const resultType = (fn: FunctionLike) => {
    const sig = checker.getSignatureFromDeclaration(fn);
    return sig && checker.getAwaitedType(checker.getReturnTypeOfSignature(sig));
  };

  for (const m of marked) {
    if (m.kind === "step" && configured.has(m.node)) continue;
    const label = m.kind === "step" ? `step \`${m.name}\`` : `durable function \`${m.name}\``;
    for (const p of m.node.parameters) {
      checkValue(checker.getTypeAtLocation(p), p.name.getText(sf), p, `${label} takes a value its serdes cannot carry`);
    }
    const result = resultType(m.node);
    if (result) checkValue(result, "result", m.node.type ?? m.node.name ?? m.node, `${label} returns a value its serdes cannot carry`);
  }

  for (const m of marked) {
    if (m.kind !== "durable" || !m.node.body) continue;
    walkDurableBody(cx, m, markedNodes, sink, settled, configured, checkValue);
  }
  return { findings: sink.list, settled };
}

type CheckValue = (type: TS.Type, root: string, at: TS.Node, what: string) => void;

interface Configured {
  has(fn: TS.Node): boolean;
}

function walkDurableBody(cx: AnalysisContext, m: MarkedFunction, markedNodes: Set<TS.Node>, sink: FindingSink, settled: Set<string>, configured: Configured, checkValue: CheckValue): void {
  const { ts, checker, resolver } = cx;
  const sf = m.node.getSourceFile();
  const body = m.node.body!;
  const at = (n: TS.Node) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
    return `${line + 1}:${character + 1}`;
  };
  const reportWrites = (stepFn: TS.Node, label: string) => {
    for (const w of capturedWrites(ts, checker, stepFn, m.node)) {
      const through = w.alias ? ` through \`${w.alias}\`` : "";
      sink.report("UD404", `${label} writes to \`${w.variable}\` of durable function \`${m.name}\`${through}: on replay the step returns its recorded result without running, so \`${w.variable}\` keeps its old value.`, w.node);
    }
  };

  const visit = (n: TS.Node): void => {
    if (n !== m.node && markedNodes.has(n)) {
      const inner = n as FunctionLike;
      const kind = markedFunctions(ts, sf).find((x) => x.node === inner)?.kind;
      if (kind === "step") reportWrites(inner, `step \`${(inner.name as TS.Identifier | undefined)?.text ?? "anonymous"}\``);
      return;
    }
    if (ts.isNewExpression(n)) {
      const src = cx.nondeterminism.ofCall(n);
      if (src && src.via.length > 0) sink.report("UD402", `\`${n.expression.getText(sf)}\` ${describe(src)}`, n);
    }
    if (!ts.isCallExpression(n)) return void ts.forEachChild(n, visit);
    const values = resolver.values(n.expression);
    const intrinsic = values.length === 1 && values[0]!.kind === "intrinsic" ? values[0]!.name : undefined;
    if (intrinsic) {
      checkIntrinsic(cx, n, intrinsic, checkValue);
      for (const a of n.arguments) {
        if (INLINE_STEPS.has(intrinsic) && (ts.isArrowFunction(a) || ts.isFunctionExpression(a))) reportWrites(a, `the inline step of \`${intrinsic}\``);
        else visit(a);
      }
      return;
    }
    const calleeText = n.expression.getText(sf);
    const durable = values.filter((v) => v.kind === "step" || v.kind === "durable") as FunctionValue[];
    const plain = values.filter((v) => v.kind === "plain") as FunctionValue[];
    const awaited = isAwaited(ts, n);
    if (durable.length > 0) {
      checkArguments(cx, n, durable, configured, checkValue);
      if (plain.length > 0 && awaited) {
        sink.report("UD405", `\`${calleeText}\` can be ${plain.map((p) => `plain function \`${p.name}\``).join(" or ")} at run time, not only ${durable.map((d) => `${d.kind} \`${d.name}\``).join(" or ")}: then it runs again on every replay.`, n);
      }
      if (awaited) settled.add(at(n));
    } else if (awaited && plain.length > 0 && plain.length === values.length) {
      sink.report("UD403", `Awaited call \`${calleeText}\` is plain function \`${plain[0]!.name}\` (${where(plain[0]!.fn)}), neither a step nor durable: it runs again on every replay.`, n);
      settled.add(at(n));
    }
    if (!LITERAL_SOURCES.test(calleeText)) {
      const src = cx.nondeterminism.ofCall(n);
      if (src) sink.report("UD402", `\`${calleeText}()\` ${describe(src)}`, n);
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
}

function describe(src: { what: string; at: TS.Node; via: string[] }): string {
  const chain = src.via.length > 0 ? `calls ${src.via.map((v) => `\`${v}\``).join(" -> ")}, which reads ${src.what} (${where(src.at)})` : `is ${src.what} through an alias`;
  return `${chain}: a replay gets another value than the first run did.`;
}

function where(n: TS.Node): string {
  const sf = n.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
  const name = sf.fileName.split(/[\\/]/).pop();
  return `${name}:${line + 1}:${character + 1}`;
}

function isAwaited(ts: TSApi, call: TS.CallExpression): boolean {
  let child: TS.Node = call;
  let p = call.parent;
  while (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p)) (child = p), (p = p.parent);
  return ts.isAwaitExpression(p) || ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === child);
}

/** Each argument's type against the callee's parameters: what is actually passed, a subclass included. */
function checkArguments(cx: AnalysisContext, call: TS.CallExpression, callees: CalleeValue[], configured: Configured, checkValue: CheckValue): void {
  const { ts, checker } = cx;
  for (const v of callees) {
    if (!("fn" in v) || configured.has(v.fn)) continue;
    call.arguments.forEach((a, i) => {
      const p = v.fn.parameters[i];
      if (!p || ts.isSpreadElement(a)) return;
      const argType = checker.getTypeAtLocation(a);
      // The declaration's own parameter type is checked once, at the declaration.
      if (argType === checker.getTypeAtLocation(p)) return;
      checkValue(argType, p.name.getText(), a, `argument \`${p.name.getText()}\` of ${v.kind} \`${v.name}\` cannot be carried by its serdes`);
    });
  }
}

/** Callback results, invoke payloads and results, an inline step's result. */
function checkIntrinsic(cx: AnalysisContext, call: TS.CallExpression, op: string, checkValue: CheckValue): void {
  const { ts, checker } = cx;
  const awaitedCall = () => checker.getAwaitedType(checker.getTypeAtLocation(call));
  const hasSerdes = (i: number) => {
    const c = call.arguments[i];
    return !!c && ts.isObjectLiteralExpression(c) && c.properties.some((p) => p.name && ts.isIdentifier(p.name) && /serdes/i.test(p.name.text));
  };
  const last = call.arguments.length - 1;
  if ((op === "waitForCallback" || op === "step") && !hasSerdes(last)) {
    const t = awaitedCall();
    if (t) checkValue(t, "result", call, op === "step" ? "inline step returns a value its serdes cannot carry" : "callback result is not what the sender can send as JSON");
  } else if (op === "createCallback" && !hasSerdes(last)) {
    const tuple = awaitedCall() ?? checker.getTypeAtLocation(call);
    const first = checker.isTupleType(tuple) ? checker.getTypeArguments(tuple as TS.TypeReference)[0] : undefined;
    const t = first && checker.getAwaitedType(first);
    if (t) checkValue(t, "result", call, "callback result is not what the sender can send as JSON");
  } else if (op === "invoke") {
    // invoke(name?, functionName, input?, config?): the input follows the function name.
    const strings = call.arguments.filter((a) => checker.getTypeAtLocation(a).flags & ts.TypeFlags.StringLike).length;
    const input = call.arguments[strings >= 2 ? 2 : 1];
    if (input && !hasSerdes(call.arguments.indexOf(input) + 1)) checkValue(checker.getTypeAtLocation(input), "payload", input, "invoke payload cannot be carried as JSON");
    const t = awaitedCall();
    if (t) checkValue(t, "result", call, "invoke result cannot be carried as JSON");
  }
}

const configuredCache = new WeakMap<TS.SourceFile, Set<TS.Node>>();

/** Steps given their own serdes with `configureStep(fn, { serdes })` in the file that defines them. */
function configuredSerdes(cx: AnalysisContext, sf: TS.SourceFile): Set<TS.Node> {
  const { ts, resolver } = cx;
  const cached = configuredCache.get(sf);
  if (cached) return cached;
  const out = new Set<TS.Node>();
  configuredCache.set(sf, out);
  const visit = (n: TS.Node): void => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "configureStep" && n.arguments.length >= 2) {
      const [target, config] = n.arguments;
      if (config && ts.isObjectLiteralExpression(config) && config.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === "serdes")) {
        for (const v of resolver.values(target!)) if ("fn" in v) out.add(v.fn);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}
