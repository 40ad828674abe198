/**
 * The static workflow graph of one durable function, built from its manifest entry: a node per
 * durable call (step, durable function, intrinsic, concurrency fork and join), edges in execution
 * order, and groups for the control flow the call sits in (`if`, loops, `try`, concurrency branches).
 * A loop gets a back edge, a conditional a dashed edge around it. Pure; the renderers print it.
 */
import type { CallEntry, DurableEntry } from "../../compiler/index.ts";

export type NodeKind = "start" | "end" | "join" | CallEntry["kind"];

export interface GraphNode {
  id: string;
  kind: NodeKind;
  /** Operation name (or start / end). */
  label: string;
  callee?: string;
  /** For intrinsics: which one (sleep, waitForCallback, ...). */
  op?: string;
  loc?: string;
  group?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
  /** dashed: taken only sometimes (a skipped conditional, a loop's next iteration or zero iterations). */
  style: "solid" | "dashed";
}

export interface GraphGroup {
  id: string;
  label: string;
  kind: "branch" | "loop" | "block" | "concurrency";
  parent?: string;
}

export interface FunctionGraph {
  id: string;
  name: string;
  loc: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
}

const LOOPS = new Set(["for", "while", "do-while", "for-of", "for-in", "forEach"]);
// Control flow whose body may not run: the path around it is drawn dashed.
const CONDITIONAL = new Set(["if", "else", "?:", "&&", "||", "??", "switch", "catch"]);
// `patched:<id>` / `unpatched:<id>`: the two sides of `if (patched("id"))`.
const isConditional = (label: string) => CONDITIONAL.has(label) || /^(?:un)?patched:/.test(label);

interface Tail {
  id: string;
  style: "solid" | "dashed";
  label?: string;
}

interface Open {
  label: string;
  group: GraphGroup;
  /** What led into the group: the path around it, for a conditional or a loop that runs zero times. */
  before: Tail[];
  first?: string;
  /** An `else`'s `if` exits: what follows continues from either branch. */
  carried: Tail[];
}

export function functionGraph(d: DurableEntry, prefix: string): FunctionGraph {
  const g: FunctionGraph = { id: d.id, name: d.name, loc: d.loc, nodes: [], edges: [], groups: [] };
  let count = 0;
  const newId = (what: string) => `${prefix}_${what}${count++}`;
  const start: GraphNode = { id: `${prefix}_start`, kind: "start", label: "start" };
  g.nodes.push(start);
  const connect = (tails: Tail[], to: string) => {
    for (const t of tails) g.edges.push({ from: t.id, to, style: t.style, ...(t.label !== undefined && { label: t.label }) });
  };

  const sequence = (calls: readonly CallEntry[], base: number, tailsIn: Tail[], parent: string | undefined): Tail[] => {
    let tails = tailsIn;
    const stack: Open[] = [];
    let lastClosed: { open: Open; exits: Tail[]; depth: number } | undefined;
    // Paths that meet again (after a branch or a loop) meet in one small node, so the graph keeps
    // one edge per path instead of one per combination of paths.
    const merge = (group: string | undefined): void => {
      if (tails.length < 2) return;
      const join: GraphNode = { id: newId("m"), kind: "join", label: "", ...(group !== undefined && { group }) };
      g.nodes.push(join);
      connect(tails, join.id);
      tails = [{ id: join.id, style: "solid" }];
    };
    const close = (): void => {
      const o = stack.pop()!;
      const exits = tails;
      const isLoop = LOOPS.has(o.label);
      if (isLoop && o.first) for (const t of exits) g.edges.push({ from: t.id, to: o.first, label: "next", style: "dashed" });
      // A do-while runs at least once: no path around it.
      const around = (isLoop && o.label !== "do-while") || isConditional(o.label) ? o.before.map((t) => ({ id: t.id, style: "dashed" as const, label: isLoop ? "done" : `not ${o.label}` })) : [];
      tails = [...exits, ...o.carried, ...around];
      lastClosed = { open: o, exits, depth: stack.length };
    };
    for (const call of calls) {
      // context() hands back the current context: no operation, nothing to draw.
      if (call.kind === "intrinsic" && /(^|\.)context$/.test(call.callee)) continue;
      const labels = call.enclosing.slice(base);
      let same = 0;
      while (same < stack.length && same < labels.length && stack[same]!.label === labels[same]) same++;
      lastClosed = undefined;
      while (stack.length > same) close();
      const closed0 = lastClosed as { open: Open; depth: number } | undefined;
      if (!(labels[same] === "else" && closed0?.open.label === "if" && closed0.depth === same)) merge(stack.at(-1)?.group.id ?? parent);
      for (let i = same; i < labels.length; i++) {
        const label = labels[i]!;
        const parentGroup = stack.at(-1)?.group.id ?? parent;
        const group: GraphGroup = { id: newId("g"), label: LOOPS.has(label) ? `loop: ${label}` : label, kind: LOOPS.has(label) ? "loop" : isConditional(label) ? "branch" : "block", ...(parentGroup !== undefined && { parent: parentGroup }) };
        g.groups.push(group);
        const closed = lastClosed as { open: Open; exits: Tail[]; depth: number } | undefined;
        const elseOfIf = label === "else" && closed?.open.label === "if" && closed.depth === stack.length ? closed : undefined;
        if (elseOfIf) {
          // Both branches hang off what came before the `if`; what follows continues from either.
          stack.push({ label, group, before: [], carried: elseOfIf.exits });
          tails = elseOfIf.open.before.map((t) => ({ id: t.id, style: "solid", label: "else" }));
        } else {
          stack.push({ label, group, before: tails, carried: [] });
          if (isConditional(label)) tails = tails.map((t) => (t.label === undefined ? { ...t, label } : t));
        }
        lastClosed = undefined;
      }
      const groupId = stack.at(-1)?.group.id ?? parent;
      const node: GraphNode = { id: newId("n"), kind: call.kind, label: call.name, callee: call.callee, ...(call.kind === "intrinsic" && { op: call.callee.split(".").pop()! }), loc: call.loc, ...(groupId !== undefined && { group: groupId }) };
      g.nodes.push(node);
      connect(tails, node.id);
      for (const o of stack) o.first ??= node.id;
      tails = [{ id: node.id, style: "solid" }];
      if (call.branches) tails = fanOut(call, node.id, base + labels.length + 1, groupId);
    }
    while (stack.length > 0) close();
    return tails;
  };

  const fanOut = (call: CallEntry, forkId: string, base: number, parent: string | undefined): Tail[] => {
    const join: GraphNode = { id: newId("j"), kind: "join", label: "join", ...(parent !== undefined && { group: parent }) };
    const isMap = call.callee.endsWith("(map)");
    const branchTails: Tail[] = [];
    (call.branches ?? []).forEach((branch, i) => {
      const group: GraphGroup = { id: newId("g"), label: isMap ? "each item" : `branch ${i}`, kind: "concurrency", ...(parent !== undefined && { parent }) };
      g.groups.push(group);
      const label = isMap ? "each item" : `[${i}]`;
      if (branch.length === 0) return void branchTails.push({ id: forkId, style: "solid", label });
      const tails = sequence(branch, base, [{ id: forkId, style: "solid", label }], group.id);
      branchTails.push(...tails);
    });
    g.nodes.push(join);
    connect(branchTails, join.id);
    return [{ id: join.id, style: "solid" }];
  };

  const tails = sequence(d.calls, 0, [{ id: start.id, style: "solid" }], undefined);
  const end: GraphNode = { id: `${prefix}_end`, kind: "end", label: "end" };
  g.nodes.push(end);
  connect(tails, end.id);
  // Groups that ended up holding nothing (an empty concurrency branch) are dropped.
  const used = new Set<string>();
  for (const n of g.nodes) for (let gid = n.group; gid !== undefined; gid = g.groups.find((x) => x.id === gid)?.parent) used.add(gid);
  g.groups = g.groups.filter((x) => used.has(x.id));
  return g;
}
