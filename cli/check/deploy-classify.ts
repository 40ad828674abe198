/**
 * `check --against`: classifies every durable function of a new build against the build whose
 * executions may still be in flight (cli/SPEC.md holds the table of findings). Pure: two build
 * manifests in, a report out; no files, no printing.
 */
import type { CallEntry, DurableEntry, Manifest } from "../../compiler/index.ts";
import { contexts, patchIds, projectPatches, type ContextCall } from "./deploy-contexts.ts";

export type Classification = "unchanged" | "safe" | "risky" | "breaking";
export const CLASSIFICATIONS: readonly Classification[] = ["unchanged", "safe", "risky", "breaking"];

export interface DeployFinding {
  code: string;
  classification: Exclude<Classification, "unchanged">;
  message: string;
  /** The call site in the old build, `file:line:col`. */
  old?: string;
  /** The call site in the new build. */
  new?: string;
}

export interface FunctionReport {
  id: string;
  name: string;
  classification: Classification;
  findings: DeployFinding[];
}

export interface DeployReport {
  ok: boolean;
  summary: Record<Classification, number>;
  functions: FunctionReport[];
}

export interface BuildManifestLike {
  modules: Manifest[];
}

/** Every finding code this module can report (cli/SPEC.md's table; each has a fixture pair). */
export const DEPLOY_CODES = ["UD301", "UD302", "UD303", "UD311", "UD312", "UD313", "UD314", "UD315", "UD316", "UD317", "UD321", "UD322", "UD323", "UD324"] as const;

const LOOPS = new Set(["for", "while", "do-while", "for-of", "for-in"]);
const rank = (c: Classification) => CLASSIFICATIONS.indexOf(c);

export function classifyDeploy(oldBuild: BuildManifestLike, newBuild: BuildManifestLike): DeployReport {
  const olds = durableById(oldBuild);
  const news = durableById(newBuild);
  const functions: FunctionReport[] = [];
  for (const [id, o] of olds) {
    const n = news.get(id);
    functions.push(
      n
        ? report(o, classifyFunction(o, n))
        : report(o, [{ code: "UD324", classification: "breaking", message: `durable function \`${o.name}\` was removed: its executions in flight cannot continue`, old: o.loc }]),
    );
  }
  for (const [id, n] of news) {
    if (!olds.has(id)) functions.push(report(n, [{ code: "UD302", classification: "safe", message: `durable function \`${n.name}\` was added: nothing is recorded for it yet`, new: n.loc }]));
  }
  functions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const summary = { unchanged: 0, safe: 0, risky: 0, breaking: 0 };
  for (const f of functions) summary[f.classification]++;
  return { ok: summary.risky === 0 && summary.breaking === 0, summary, functions };
}

function durableById(build: BuildManifestLike): Map<string, DurableEntry> {
  const out = new Map<string, DurableEntry>();
  for (const m of build.modules) for (const d of m.durable) out.set(d.id, d);
  return out;
}

function report(d: DurableEntry, findings: DeployFinding[]): FunctionReport {
  let classification: Classification = "unchanged";
  for (const f of findings) if (rank(f.classification) > rank(classification)) classification = f.classification;
  return { id: d.id, name: d.name, classification, findings };
}

const show = (c: CallEntry) => `${c.name} (${c.callee}(${(c.args ?? []).join(", ")}))`;
const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) => (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b?.[i]);
const sameFacts = (a: CallEntry, b: CallEntry) => sameList(a.args, b.args) && a.feeds === b.feeds;
// A step and a durable function differ on the wire (STEP vs CONTEXT); a dispatched call may be either.
const kindClash = (a: CallEntry, b: CallEntry) => a.kind !== b.kind && !(a.kind === "call" && (b.kind === "step" || b.kind === "durable")) && !(b.kind === "call" && (a.kind === "step" || a.kind === "durable"));

export function classifyFunction(o: DurableEntry, n: DurableEntry): DeployFinding[] {
  const findings: DeployFinding[] = [];
  const oldIds = patchIds(o.calls);
  const newIds = patchIds(n.calls);
  const added = new Set([...newIds].filter((id) => !oldIds.has(id)));
  const removed = new Set([...oldIds].filter((id) => !newIds.has(id)));
  // What an execution recorded before the patch replays, and what the new code runs on that path.
  // A removed patch renames its calls (`id:charge` -> `charge#2`) and sends executions from before it
  // down the new path: only a new version, with the old one draining, serves both. Nothing else to compare.
  if (removed.size > 0) {
    return [...removed].map((id) => ({ code: "UD317", classification: "breaking" as const, message: `patched("${id}") was removed: its calls lose their "${id}:" names, so executions that took the new path fail replay, and executions from before it would take the new path. Deploy this as a new Lambda version and let the old version drain its executions`, old: o.loc, new: n.loc }));
  }
  const patchedAway: CallEntry[] = [];
  const newCalls = projectPatches(n.calls, added, patchedAway);
  const oldCalls = o.calls;
  for (const c of patchedAway) findings.push({ code: "UD303", classification: "safe", message: `${show(c)} added under patched(): executions recorded before it take the old path`, new: c.loc });

  const oldCtx = contexts(oldCalls);
  const newCtx = contexts(newCalls);
  const allOld = [...oldCtx.values()].flat();
  for (const [key, olist] of oldCtx) compareContext(olist, newCtx.get(key) ?? [], allOld, findings);
  return findings;
}

function compareContext(olist: ContextCall[], nlist: ContextCall[], allOld: ContextCall[], findings: DeployFinding[]): void {
  const byName = new Map(nlist.map((c) => [c.call.name, c]));
  const oldNames = new Set(olist.map((c) => c.call.name));
  const matched: Array<[ContextCall, ContextCall]> = [];
  const lostOld: ContextCall[] = [];
  for (const oc of olist) {
    const nc = byName.get(oc.call.name);
    if (nc) matched.push([oc, nc]);
    else lostOld.push(oc);
  }
  const fresh = nlist.filter((c) => !oldNames.has(c.call.name));
  // A recorded call gone while a new one stands at the same place: renamed. Otherwise removed.
  for (const oc of lostOld) {
    const at = fresh.findIndex((nc) => nc.index === oc.index);
    if (at >= 0) {
      const nc = fresh.splice(at, 1)[0]!;
      findings.push({ code: "UD322", classification: "breaking", message: `recorded call ${show(oc.call)} was renamed to ${show(nc.call)}: a replay finds the old name and fails`, old: oc.call.loc, new: nc.call.loc });
    } else {
      findings.push({ code: "UD321", classification: "breaking", message: `recorded call ${show(oc.call)} was removed: a replay finds no call for its result`, old: oc.call.loc });
    }
  }
  const swapped = new Set<string>();
  for (const [oc, nc] of matched) {
    const a = oc.call;
    const b = nc.call;
    if (kindClash(a, b)) {
      findings.push({ code: "UD322", classification: "breaking", message: `recorded call ${a.name} changed kind from ${a.kind} to ${b.kind}: a replay finds another operation type`, old: a.loc, new: b.loc });
      continue;
    }
    if (!sameFacts(a, b)) {
      const other = allOld.find((x) => x.call !== a && x.call.callee === a.callee && x.call.name !== a.name && sameFacts(x.call, b));
      if (other) {
        const key = [a.name, other.call.name].sort().join("\u0000");
        if (!swapped.has(key)) {
          swapped.add(key);
          findings.push({ code: "UD323", classification: "breaking", message: `calls to \`${a.callee}\` swapped: ${a.name} was ${a.callee}(${(a.args ?? []).join(", ")})${a.feeds ? ` -> ${a.feeds}` : ""} and is now ${b.callee}(${(b.args ?? []).join(", ")})${b.feeds ? ` -> ${b.feeds}` : ""}, as ${other.call.name} was; each recorded result would go to the other call`, old: a.loc, new: b.loc });
        }
      } else if (!sameList(a.args, b.args)) {
        findings.push({ code: "UD314", classification: "risky", message: `recorded call ${a.name} now passes (${(b.args ?? []).join(", ")}) instead of (${(a.args ?? []).join(", ")}): executions past it replay the result of the old arguments`, old: a.loc, new: b.loc });
      }
    }
    if (!sameList(a.enclosing, b.enclosing)) {
      findings.push({ code: "UD313", classification: "risky", message: `recorded call ${a.name} moved from [${a.enclosing.join(", ")}] to [${b.enclosing.join(", ")}]: on a path that no longer reaches it, the next call meets its record and fails replay`, old: a.loc, new: b.loc });
    }
    const ob = a.branches?.length ?? 0;
    const nb = b.branches?.length ?? 0;
    if (nb > ob) findings.push({ code: "UD316", classification: "risky", message: `${a.name} has ${nb} branches instead of ${ob}: a completed one replays its recorded results without the new branch`, old: a.loc, new: b.loc });
    if (nb < ob) findings.push({ code: "UD321", classification: "breaking", message: `${a.name} has ${nb} branches instead of ${ob}: a recorded branch was removed`, old: a.loc, new: b.loc });
  }
  // Matched calls must keep their order.
  for (let i = 1; i < matched.length; i++) {
    const [po, pn] = matched[i - 1]!;
    const [co, cn] = matched[i]!;
    if (cn.index < pn.index) findings.push({ code: "UD312", classification: "risky", message: `recorded calls ${po.call.name} and ${co.call.name} were reordered: a replay meets the other call's record and fails`, old: co.call.loc, new: cn.call.loc });
  }
  for (const nc of fresh) appendedOrInserted(nc, matched, findings, olist.at(-1)?.call);
}

/** A call the old build did not have: safe after every recorded call of its context, else risky. */
function appendedOrInserted(nc: ContextCall, recorded: ReadonlyArray<readonly [ContextCall, ContextCall]>, findings: DeployFinding[], lastOld?: CallEntry): void {
  const c = nc.call;
  const before = recorded.find(([, r]) => r.index > nc.index);
  if (before) {
    const [oc] = before;
    findings.push({ code: "UD311", classification: "risky", message: `${show(c)} was inserted before recorded call ${oc.call.name}: executions parked after that point meet a new call at its place and fail replay`, old: oc.call.loc, new: c.loc });
    return;
  }
  const loop = lastOld ? sharedLoop(c.enclosing, lastOld.enclosing) : undefined;
  if (loop) {
    findings.push({ code: "UD315", classification: "risky", message: `${show(c)} was added inside a ${loop} loop that holds recorded call ${lastOld!.name}: in the next iteration that call's record meets this call`, old: lastOld!.loc, new: c.loc });
    return;
  }
  findings.push({ code: "UD301", classification: "safe", message: `${show(c)} was appended after the last recorded call`, new: c.loc });
}

/** The innermost loop label both paths share from the top, if any. */
function sharedLoop(a: readonly string[], b: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < Math.min(a.length, b.length) && a[i] === b[i]; i++) if (LOOPS.has(a[i]!)) found = a[i];
  return found;
}
