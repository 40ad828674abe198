/** Prints workflow graphs as Graphviz DOT: one cluster per function and per control-flow group. Pure. */
import type { FunctionGraph, GraphNode } from "./graph-model.ts";
import { shapeOf, type Shape } from "./graph-shapes.ts";

const SHAPES: Record<Shape, string> = {
  terminal: "shape=oval",
  step: "shape=box",
  child: "shape=box, peripheries=2",
  wait: "shape=cylinder",
  callback: "shape=parallelogram",
  fork: "shape=hexagon",
  join: "shape=circle, label=\"\", width=0.2",
  dispatch: "shape=box, style=dashed",
};

const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

function node(n: GraphNode): string {
  const { caption, shape } = shapeOf(n);
  return shape === "join" ? `${n.id} [${SHAPES[shape]}];` : `${n.id} [label=${quote(caption)}, ${SHAPES[shape]}];`;
}

export function renderDot(graphs: readonly FunctionGraph[]): string {
  const out = ["digraph durable {", "  rankdir=TB;", "  node [fontname=\"Helvetica\"];"];
  for (const g of graphs) {
    const prefix = g.nodes[0]!.id.replace(/_start$/, "");
    out.push(`  subgraph cluster_${prefix} {`, `    label=${quote(`${g.name} (${g.id})`)};`);
    const emit = (parent: string | undefined, indent: string) => {
      for (const n of g.nodes) if (n.group === parent) out.push(`${indent}${node(n)}`);
      for (const sub of g.groups.filter((x) => x.parent === parent)) {
        out.push(`${indent}subgraph cluster_${sub.id} {`, `${indent}  label=${quote(sub.label)};${sub.kind === "loop" ? " style=rounded;" : ""}`);
        emit(sub.id, `${indent}  `);
        out.push(`${indent}}`);
      }
    };
    emit(undefined, "    ");
    out.push("  }");
    for (const e of g.edges) {
      const attrs = [e.label !== undefined && `label=${quote(e.label)}`, e.style === "dashed" && "style=dashed"].filter(Boolean);
      out.push(`  ${e.from} -> ${e.to}${attrs.length ? ` [${attrs.join(", ")}]` : ""};`);
    }
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}
