/**
 * Walks one durable function's body in source order: names and rewrites its call sites, the
 * concurrency forms and intrinsic calls, reports hazards, and records the manifest's call tree.
 * Nested step and durable functions are their own scope and are skipped here.
 * The walk sets parent pointers on its way down (`visitIn`: a node is linked before it is visited);
 * what a call site reads below itself before visiting it is linked first (see typescript.ts).
 */
import { bareCallee, classifyCallee, intrinsicHasName } from "./callee.ts";
import { argumentTexts, fedTarget } from "./call-facts.ts";
import { rewriteCall, rewriteCallApply } from "./call-rewrite.ts";
import { asyncIife, matchConcurrency, readsOnly, rewriteBranch, rewriteConcurrencyHead, rewriteMapReference } from "./concurrency.ts";
import type { FnInfo } from "./directives.ts";
import type { FileContext } from "./file-context.ts";
import { callHazard, newHazard } from "./hazards.ts";
import { stableCall, stableNewDate } from "./replay-stable.ts";
import { chainRoot, neverAwaited, storedIn } from "./unawaited.ts";
import type { CallEntry, CallKind, DurableEntry } from "./manifest.ts";
import { NameAllocator, normalizeCallee, patchPrefix } from "./names.ts";
import { RT } from "./specifiers.ts";
import { checkStepBody } from "./step-body.ts";
import { linkChain, linkChild, linkSubtree, type TS } from "./typescript.ts";

const INLINE_STEP_OPS = new Set(["step", "waitForCallback", "waitForCondition"]);
// SyntaxKind values of the loop statements -> their label in the manifest; filled on first use.
const LOOP_LABELS: Record<number, string> = {};
// Read once: on the typescript module these are getters, too slow for a per-node switch.
let SK: typeof TS.SyntaxKind;
let forEachChild: typeof TS.forEachChild;

export class DurableBody {
  private names = new NameAllocator();
  /** The names of each `if (patched(id))` branch, by change id. */
  private readonly patchNames = new Map<string, NameAllocator>();
  /** Calls that are concurrency branches: dispatched even when not awaited. */
  private readonly branchCalls = new Set<TS.Node>();
  /** Branch calls whose arguments are evaluated before the branch starts; removed once rewritten so. */
  private readonly eagerCalls = new Set<TS.Node>();
  private forEachDepth = 0;
  readonly entry: DurableEntry;
  private readonly fc: FileContext;
  private readonly info: FnInfo;

  constructor(fc: FileContext, info: FnInfo) {
    this.fc = fc;
    this.info = info;
    const fn = info.node;
    this.entry = { id: `${fc.file}#${info.name}`, name: info.name, runtimeName: normalizeCallee(info.name), exported: info.exported, params: fn.parameters.map((p) => p.name.getText(this.fc.sf)), loc: this.loc(fn.getStart(this.fc.sf)), calls: [] };
  }

  run(): DurableEntry {
    const { ts } = this.fc;
    SK = ts.SyntaxKind;
    forEachChild = ts.forEachChild;
    if (!LOOP_LABELS[ts.SyntaxKind.ForStatement]) {
      Object.assign(LOOP_LABELS, { [ts.SyntaxKind.ForStatement]: "for", [ts.SyntaxKind.WhileStatement]: "while", [ts.SyntaxKind.DoStatement]: "do-while", [ts.SyntaxKind.ForOfStatement]: "for-of", [ts.SyntaxKind.ForInStatement]: "for-in" });
    }
    const body = this.info.node.body;
    if (body) this.visitIn(this.info.node, body, [], this.entry.calls);
    return this.entry;
  }

  private loc(offset: number): string {
    const { line, column } = this.fc.lines.at(offset);
    return `${this.fc.file}:${line}:${column}`;
  }

  // The enclosing list and call list for visitChild: one bound visitor instead of a closure per node.
  private curEnc: string[] = [];
  private curCalls: CallEntry[] = [];
  private curParent: TS.Node | undefined;
  private readonly visitChild = (c: TS.Node): undefined => {
    (c as { parent: TS.Node }).parent = this.curParent!;
    this.visit(c, this.curEnc, this.curCalls);
  };

  private visitChildren(node: TS.Node, enc: string[], calls: CallEntry[]): void {
    const saveEnc = this.curEnc;
    const saveCalls = this.curCalls;
    const saveParent = this.curParent;
    this.curEnc = enc;
    this.curCalls = calls;
    this.curParent = node;
    forEachChild(node, this.visitChild);
    this.curEnc = saveEnc;
    this.curCalls = saveCalls;
    this.curParent = saveParent;
  }

  /** Visits `child` of `parent`, linking it first. */
  private visitIn(parent: TS.Node, child: TS.Node, enc: string[], calls: CallEntry[]): void {
    linkChild(child, parent);
    this.visit(child, enc, calls);
  }

  private visit(node: TS.Node, enc: string[], calls: CallEntry[]): void {
    const { ts } = this.fc;
    const kind = node.kind;
    // Types hold no run-time calls.
    if (kind >= SK.FirstTypeNode && kind <= SK.LastTypeNode) return;
    if ((kind === SK.ArrowFunction || kind === SK.FunctionExpression || kind === SK.FunctionDeclaration || kind === SK.MethodDeclaration) && node !== this.info.node && this.fc.fns.has(node)) return;
    switch (kind) {
      case SK.CallExpression:
        return this.visitCall(node as TS.CallExpression, enc, calls);
      case SK.NewExpression: {
        linkChain(ts, (node as TS.NewExpression).expression, node);
        const h = newHazard(this.fc, node as TS.NewExpression);
        if (h?.stable) stableNewDate(this.fc, node as TS.NewExpression, h.stable);
        if (h) this.hazard(h.code, h.what, node, !!h.stable);
        break;
      }
      case SK.IfStatement: {
        const n = node as TS.IfStatement;
        this.visitIn(n, n.expression, enc, calls);
        const patch = patchCondition(this.fc, n.expression);
        if (!patch) {
          this.visitIn(n, n.thenStatement, [...enc, "if"], calls);
          if (n.elseStatement) this.visitIn(n, n.elseStatement, [...enc, "else"], calls);
          return;
        }
        // The patched path's calls are named apart; the old path keeps the function's names.
        const newPath = patch.negated ? n.elseStatement : n.thenStatement;
        for (const [branch, label] of [[n.thenStatement, patch.negated ? "unpatched" : "patched"], [n.elseStatement, patch.negated ? "patched" : "unpatched"]] as const) {
          if (!branch) continue;
          const saved = this.names;
          if (branch === newPath) this.names = this.patchNames.get(patch.id) ?? this.patchNames.set(patch.id, new NameAllocator(patchPrefix(patch.id))).get(patch.id)!;
          this.visitIn(n, branch, [...enc, `${label}:${patch.id}`], calls);
          this.names = saved;
        }
        return;
      }
      case SK.ForStatement: case SK.WhileStatement: case SK.DoStatement:
      case SK.ForOfStatement: case SK.ForInStatement: {
        const label = LOOP_LABELS[node.kind]!;
        // The iterated expression runs once, outside the loop.
        const once = ts.isForOfStatement(node) || ts.isForInStatement(node) ? node.expression : undefined;
        if (once) this.visitIn(node, once, enc, calls);
        const inner = [...enc, label];
        ts.forEachChild(node, (c) => void (c === once ? undefined : this.visitIn(node, c, inner, calls)));
        return;
      }
      case SK.SwitchStatement: {
        const n = node as TS.SwitchStatement;
        this.visitIn(n, n.expression, enc, calls);
        const inner = [...enc, "switch"];
        linkChild(n.caseBlock, n);
        for (const c of n.caseBlock.clauses) this.visitIn(n.caseBlock, c, inner, calls);
        return;
      }
      case SK.TryStatement: {
        const n = node as TS.TryStatement;
        this.visitIn(n, n.tryBlock, [...enc, "try"], calls);
        if (n.catchClause) this.visitIn(n, n.catchClause, [...enc, "catch"], calls);
        if (n.finallyBlock) this.visitIn(n, n.finallyBlock, [...enc, "finally"], calls);
        return;
      }
      case SK.ConditionalExpression: {
        const n = node as TS.ConditionalExpression;
        this.visitIn(n, n.condition, enc, calls);
        const inner = [...enc, "?:"];
        this.visitIn(n, n.whenTrue, inner, calls);
        this.visitIn(n, n.whenFalse, inner, calls);
        return;
      }
      case SK.BinaryExpression: {
        const n = node as TS.BinaryExpression;
        const op = n.operatorToken.kind;
        if (op === SK.AmpersandAmpersandToken || op === SK.BarBarToken || op === SK.QuestionQuestionToken) {
          this.visitIn(n, n.left, enc, calls);
          this.visitIn(n, n.right, [...enc, ts.tokenToString(op)!], calls);
          return;
        }
        break;
      }
    }
    this.visitChildren(node, enc, calls);
  }

  private hazard(code: Parameters<FileContext["sink"]["report"]>[0], what: string, node: TS.Node, note = false): void {
    this.fc.sink.report(code, `${what} (in durable function \`${this.info.name}\`).`, node.getStart(this.fc.sf), node.end, note);
  }

  private isAwaited(call: TS.CallExpression): boolean {
    const { ts } = this.fc;
    let child: TS.Node = call;
    let p = call.parent;
    while (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isSatisfiesExpression(p)) (child = p), (p = p.parent);
    if (ts.isAwaitExpression(p)) return true;
    const isAsync = (f: TS.Node | undefined) => !!f && (ts.getModifiers(f as TS.ArrowFunction) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
    if (ts.isReturnStatement(p)) {
      let f: TS.Node | undefined = p.parent;
      while (f && !ts.isFunctionLike(f)) f = f.parent;
      return isAsync(f);
    }
    return ts.isArrowFunction(p) && p.body === child && isAsync(p);
  }

  /** `sync`: the call returns no promise (`context()`), so storing its result is no hazard. */
  private record(calls: CallEntry[], kind: CallKind, name: string, callee: string, node: TS.Node, enc: string[], sync = false): CallEntry {
    const entry: CallEntry = { kind, name, callee, loc: this.loc(node.getStart(this.fc.sf)), enclosing: enc };
    if (kind !== "concurrency" && this.fc.ts.isCallExpression(node)) entry.args = argumentTexts(this.fc, node);
    const feeds = fedTarget(this.fc, node);
    if (feeds !== undefined) entry.feeds = feeds;
    calls.push(entry);
    if (this.forEachDepth > 0)
      this.fc.sink.report("UD208", `Durable call \`${callee}\` inside an async callback of \`forEach\` is not awaited: its result and errors are lost and its order is not deterministic.`, node.getStart(this.fc.sf), node.end);
    else if (kind !== "concurrency" && this.isFloating(node))
      this.fc.sink.report("UD210", `Durable call \`${callee}\` is not awaited: its errors are lost and the function may return before it finishes.`, node.getStart(this.fc.sf), node.end);
    else if (kind !== "concurrency" && !sync && !this.branchCalls.has(node)) {
      const stored = storedIn(this.fc.ts, node);
      if (stored && neverAwaited(this.fc.ts, stored))
        this.fc.sink.report("UD210", `Durable call \`${callee}\` is stored in \`${stored.text}\`, which is never awaited: \`${stored.text}\` holds a promise, its errors are lost and the function may return before it finishes.`, node.getStart(this.fc.sf), node.end);
    }
    return entry;
  }

  /** `step.call(t, ...)` / `step.apply(t, xs)` of a known step or durable function: still a durable call. */
  private visitCallApply(call: TS.CallExpression, enc: string[], calls: CallEntry[]): boolean {
    const { ts } = this.fc;
    const e = call.expression;
    if (!ts.isPropertyAccessExpression(e) || e.questionDotToken || call.questionDotToken || (e.name.text !== "call" && e.name.text !== "apply")) return false;
    if (call.arguments.some((a) => ts.isSpreadElement(a)) || (e.name.text === "apply" && call.arguments.length > 2)) return false;
    const kind = classifyCallee(this.fc.resolver, e.expression).kind;
    if (kind !== "step" && kind !== "durable") return false;
    const target = bareCallee(ts, e.expression);
    const calleeText = normalizeCallee(this.fc.code.slice(target.getStart(this.fc.sf), target.end));
    const name = this.names.next(calleeText);
    rewriteCallApply(this.fc, call, e.expression, e.name.text, kind === "step" ? RT.callStep : RT.callDurable, name);
    this.record(calls, kind, name, calleeText, call, enc);
    this.visitChildren(call, enc, calls);
    return true;
  }

  /** A step or durable function handed to other code as a value is named at run time where it is called (UD211, a note). */
  private checkPassedAsValue(call: TS.CallExpression, calleeText: string): void {
    const { ts } = this.fc;
    for (const a of call.arguments) {
      if (!ts.isIdentifier(a) && !ts.isPropertyAccessExpression(a)) continue;
      const k = classifyCallee(this.fc.resolver, a).kind;
      if (k !== "step" && k !== "durable") continue;
      const what = normalizeCallee(this.fc.code.slice(a.getStart(this.fc.sf), a.end));
      const kind = k === "step" ? "a step" : "a child context";
      this.fc.sink.report("UD211", `${k === "step" ? "Step" : "Durable function"} \`${what}\` is passed to \`${calleeText}\` as a value: where it is called inside the execution it runs as ${kind} named at run time (\`${what}\`, \`${what}#2\`, ...).`, a.getStart(this.fc.sf), a.end, true);
    }
  }

  /** A call whose promise is dropped: an expression statement of its own, or `void f()`. */
  private isFloating(node: TS.Node): boolean {
    const { ts } = this.fc;
    let p = node.parent;
    while (ts.isParenthesizedExpression(p)) p = p.parent;
    return ts.isExpressionStatement(p) || ts.isVoidExpression(p);
  }

  private visitCall(call: TS.CallExpression, enc: string[], calls: CallEntry[]): void {
    const { ts, code } = this.fc;
    // What is read below the call before its children are visited: the callee and the arguments
    // passed as values (scope lookups walk up from them).
    linkChain(ts, call.expression, call);
    for (const a of call.arguments) linkChain(ts, a, call);
    const h = callHazard(this.fc, call);
    if (h?.stable) stableCall(this.fc, call, h.stable);
    if (h) this.hazard(h.code, h.what, call, !!h.stable);
    const conc = matchConcurrency(this.fc, call);
    // A concurrency form looks into its branches before visiting them: link all of it (rare).
    if (conc) linkSubtree(ts, call);
    if (conc && this.concurrencyWorthIt(conc)) return this.visitConcurrency(call, conc, enc, calls);

    if (this.visitCallApply(call, enc, calls)) return;
    // Named after the callee's value: type-only wrappers (`as`, `!`) and parentheses change no name.
    const bare = bareCallee(ts, call.expression);
    const calleeText = normalizeCallee(code.slice(bare.getStart(this.fc.sf), bare.end));
    // calleeText is already normalised; the allocator must not encode it twice.
    const kind = classifyCallee(this.fc.resolver, call.expression);
    const visitChildren = () => this.visitChildren(call, enc, calls);
    if (kind.kind === "intrinsic" && kind.op === "patched") return this.visitPatched(call, enc, calls);
    if (kind.kind === "intrinsic") {
      const name = this.names.next(calleeText);
      const hasName = intrinsicHasName(ts, kind.op, call.arguments);
      const first = call.arguments[0];
      const userName = hasName === true && first && ts.isStringLiteral(first) ? first.text : name;
      this.record(calls, "intrinsic", kind.op === "context" ? calleeText : userName, calleeText, call, enc, kind.op === "context");
      if (hasName === false) this.fc.s.appendLeft(first ? first.getStart(this.fc.sf) : call.arguments.pos, first ? `${JSON.stringify(name)}, ` : JSON.stringify(name));
      if (INLINE_STEP_OPS.has(kind.op)) {
        for (const a of call.arguments) {
          if (ts.isArrowFunction(a) || ts.isFunctionExpression(a)) checkStepBody(this.fc, a, `${calleeText}(...)`, true);
          else this.visitIn(call, a, enc, calls);
        }
        return;
      }
      return visitChildren();
    }
    this.checkPassedAsValue(call, calleeText);
    const forEachFn = this.forEachCallback(call);
    if (kind.kind === "step" || kind.kind === "durable" || (kind.kind === "unknown" && (this.isAwaited(call) || this.branchCalls.has(call)))) {
      const name = this.names.next(calleeText);
      const fn = kind.kind === "step" ? RT.callStep : kind.kind === "durable" ? RT.callDurable : RT.call;
      const done = rewriteCall(this.fc, call, fn, name, this.eagerCalls.has(call));
      if (done === "eager") this.eagerCalls.delete(call);
      if (done) this.record(calls, kind.kind === "unknown" ? "call" : kind.kind, name, calleeText, call, enc);
      if (kind.kind === "unknown" && kind.warn) this.warnNotDurable(call, calleeText);
      return visitChildren();
    }
    // A call already reported as a hazard (`return Date.now()`) is not reported twice.
    if (kind.kind === "plain" && kind.warn && !h && this.isAwaited(call)) this.warnNotDurable(call, calleeText);
    // `await fetch(u).then((r) => r.json())`: the chain's first call is what runs again on replay.
    const root = kind.kind === "plain" && this.isAwaited(call) ? chainRoot(this.fc.ts, call) : undefined;
    if (root) {
      // The chain below this call is visited (and linked) later; scope lookups need it now (rare).
      linkSubtree(ts, call);
      const rootKind = classifyCallee(this.fc.resolver, root.expression);
      const rootText = normalizeCallee(code.slice(bareCallee(ts, root.expression).getStart(this.fc.sf), root.expression.end));
      if ((rootKind.kind === "plain" || rootKind.kind === "unknown") && rootKind.warn && !callHazard(this.fc, root)) this.warnNotDurable(call, rootText);
    }
    if (forEachFn) {
      this.visitIn(call, call.expression, enc, calls);
      for (const a of call.arguments) {
        if (a === forEachFn) this.forEachDepth++;
        this.visitIn(call, a, [...enc, "forEach"], calls);
        if (a === forEachFn) this.forEachDepth--;
      }
      return;
    }
    visitChildren();
  }

  /** `patched("id")` is no operation: nothing to name or record; its id must be a literal (UD108). */
  private visitPatched(call: TS.CallExpression, enc: string[], calls: CallEntry[]): void {
    const id = literalChangeId(this.fc, call);
    if (id === undefined) this.fc.sink.report("UD108", "`patched()` needs its change id as a string literal of 1 to 200 printable ASCII characters: the checker and the runtime's marker read it.", call.getStart(this.fc.sf), call.end);
    this.visitChildren(call, enc, calls);
  }

  private warnNotDurable(call: TS.CallExpression, calleeText: string): void {
    this.hazard("UD207", `Awaited call \`${calleeText}\` is neither durable nor known to be pure; it runs again on every replay`, call);
  }

  private forEachCallback(call: TS.CallExpression): TS.Node | undefined {
    const { ts } = this.fc;
    if (!ts.isPropertyAccessExpression(call.expression) || call.expression.name.text !== "forEach") return undefined;
    return call.arguments.find((a) => (ts.isArrowFunction(a) || ts.isFunctionExpression(a)) && (ts.getModifiers(a) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword));
  }

  /** Rewrite only when some branch can hold durable work; plain `Promise.all([p, q])` stays plain. */
  private concurrencyWorthIt(c: NonNullable<ReturnType<typeof matchConcurrency>>): boolean {
    const { ts } = this.fc;
    const durableCall = (e: TS.Node): boolean => {
      while (ts.isParenthesizedExpression(e) || ts.isAwaitExpression(e)) e = e.expression;
      return ts.isCallExpression(e) && classifyCallee(this.fc.resolver, e.expression).kind !== "plain";
    };
    if (c.form === "map-ref") return classifyCallee(this.fc.resolver, c.ref).kind !== "plain";
    if (c.form === "map") return ts.isBlock(c.fn.body) ? this.containsDurableWork(c.fn.body) : durableCall(c.fn.body) || this.containsDurableWork(c.fn.body);
    return c.elements.some((e) => {
      const iife = asyncIife(ts, e);
      return iife ? this.containsDurableWork(iife.body) : durableCall(e) || this.containsDurableWork(e);
    });
  }

  /** Whether a subtree holds a call the walker would make durable (static, intrinsic, or awaited unknown), or (`orAwait`) any `await`. */
  private containsDurableWork(node: TS.Node, orAwait = false): boolean {
    const { ts } = this.fc;
    let found = false;
    const scan = (n: TS.Node): void => {
      if (found || this.fc.fns.has(n)) return;
      if (orAwait && ts.isAwaitExpression(n)) return void (found = true);
      if (ts.isCallExpression(n)) {
        const k = classifyCallee(this.fc.resolver, n.expression).kind;
        if (k === "step" || k === "durable" || k === "intrinsic" || (k === "unknown" && this.isAwaited(n))) return void (found = true);
      }
      ts.forEachChild(n, scan);
    };
    scan(node);
    return found;
  }

  private visitConcurrency(call: TS.CallExpression, c: NonNullable<ReturnType<typeof matchConcurrency>>, enc: string[], calls: CallEntry[]): void {
    const { ts } = this.fc;
    const name = this.names.next(c.callee);
    const entry = this.record(calls, "concurrency", name, c.form === "array" ? c.callee : `${c.callee}(map)`, call, enc);
    entry.branches = [];
    rewriteConcurrencyHead(this.fc, call, c, name);
    if (c.form === "map-ref") {
      this.visit(c.items, enc, calls);
      const kind = classifyCallee(this.fc.resolver, c.ref).kind;
      const refText = normalizeCallee(this.fc.code.slice(c.ref.getStart(this.fc.sf), c.ref.end));
      const refName = this.names.next(refText);
      rewriteMapReference(this.fc, c.ref, kind === "step" ? RT.callStep : kind === "durable" ? RT.callDurable : RT.call, refName);
      entry.branches.push([this.record([], kind === "step" || kind === "durable" ? kind : "call", refName, refText, c.ref, [...enc, `${c.callee}[map]`])]);
      return;
    }
    if (c.form === "map") {
      this.visit(c.items, enc, calls);
      const branch: CallEntry[] = [];
      entry.branches.push(branch);
      if (!ts.isBlock(c.fn.body)) {
        let b: TS.Expression = c.fn.body;
        while (ts.isParenthesizedExpression(b)) b = b.expression;
        this.branchCalls.add(b);
      }
      this.visit(c.fn, [...enc, `${c.callee}[map]`], branch);
      return;
    }
    const unwrap = (e: TS.Expression): TS.Expression => (ts.isParenthesizedExpression(e) ? unwrap(e.expression) : e);
    const callOf = (el: TS.Expression) => (asyncIife(ts, el) ? undefined : ((e) => (ts.isCallExpression(e) ? e : undefined))(unwrap(el)));
    // When an argument can have an effect (`f(next())`), call elements' arguments are evaluated now,
    // in element order, as in plain JS and on every replay (a completed branch does not run again);
    // only the operation waits for the branch. Arguments that only read (`f(x, "a")`) can wait too.
    const eagerForm = c.elements.some((el) => callOf(el)?.arguments.some((a) => !readsOnly(ts, a)));
    c.elements.forEach((el, i) => {
      const branch: CallEntry[] = [];
      entry.branches!.push(branch);
      const inner = unwrap(el);
      const call = eagerForm ? callOf(el) : undefined;
      const eager = !!call && !call.arguments.some((a) => this.containsDurableWork(a, true));
      if (eager) this.eagerCalls.add(inner);
      const iife = eager ? undefined : rewriteBranch(this.fc, el);
      if (!iife) this.branchCalls.add(inner);
      this.visit(iife ?? el, [...enc, `${c.callee}[${i}]`], branch);
      // Not rewritten with its arguments up front (an intrinsic, a plain call, an optional call): a plain thunk.
      if (eager && this.eagerCalls.delete(inner)) this.fc.s.prependLeft(el.getStart(this.fc.sf), "async () => ");
    });
  }
}

/** The change id of `patched("id")`, when the call is one and its argument a fitting literal. */
function literalChangeId(fc: FileContext, call: TS.CallExpression): string | undefined {
  const { ts } = fc;
  const [first] = call.arguments;
  if (call.arguments.length !== 1 || !first || !(ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) return undefined;
  return /^[\x20-\x7e]{1,200}$/.test(first.text) ? first.text : undefined;
}

/** `if (patched("id"))` or `if (!patched("id"))`: the branch the compiler names apart. */
function patchCondition(fc: FileContext, condition: TS.Expression): { id: string; negated: boolean } | undefined {
  const { ts } = fc;
  let e = condition;
  let negated = false;
  for (;;) {
    if (ts.isParenthesizedExpression(e)) e = e.expression;
    else if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) (negated = !negated), (e = e.operand);
    else break;
  }
  if (!ts.isCallExpression(e)) return undefined;
  const kind = classifyCallee(fc.resolver, e.expression);
  if (kind.kind !== "intrinsic" || kind.op !== "patched") return undefined;
  const id = literalChangeId(fc, e);
  return id === undefined ? undefined : { id, negated };
}
