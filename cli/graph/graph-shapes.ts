/**
 * How each kind of node reads in a rendered graph: its caption and its shape family. Shared by the
 * Mermaid and DOT renderers so both draw a wait, a callback or a fork the same way.
 */
import type { GraphNode } from "./graph-model.ts";

export type Shape = "terminal" | "step" | "child" | "wait" | "callback" | "fork" | "join" | "dispatch";

const INTRINSIC_SHAPES: Record<string, [string, Shape]> = {
  sleep: ["wait", "wait"],
  step: ["step", "step"],
  createCallback: ["callback", "callback"],
  waitForCallback: ["callback", "callback"],
  waitForCondition: ["poll", "wait"],
  invoke: ["invoke", "child"],
  map: ["map", "fork"],
  parallel: ["parallel", "fork"],
};

export function shapeOf(n: GraphNode): { caption: string; shape: Shape } {
  switch (n.kind) {
    case "start":
    case "end":
      return { caption: n.label, shape: "terminal" };
    case "join":
      return { caption: n.label || " ", shape: "join" };
    case "step":
      return { caption: `step: ${n.label}`, shape: "step" };
    case "durable":
      return { caption: `durable: ${n.label}`, shape: "child" };
    case "call":
      return { caption: `dispatched: ${n.label}`, shape: "dispatch" };
    case "concurrency":
      return { caption: `fan-out: ${n.label}`, shape: "fork" };
    case "intrinsic": {
      const [what, shape] = INTRINSIC_SHAPES[n.op ?? ""] ?? ["op", "step"];
      return { caption: `${what}: ${n.label}`, shape };
    }
  }
}
