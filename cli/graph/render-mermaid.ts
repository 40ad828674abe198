/** Prints workflow graphs as one Mermaid `flowchart` (GitHub renders it in Markdown). Pure. */
import type { FunctionGraph, GraphGroup, GraphNode } from "./graph-model.ts";
import { shapeOf, type Shape } from "./graph-shapes.ts";

const BRACKETS: Record<Shape, [string, string]> = {
  terminal: ["([", "])"],
  step: ["[", "]"],
  child: ["[[", "]]"],
  wait: ["[(", ")]"],
  callback: ["[/", "/]"],
  fork: ["{{", "}}"],
  join: ["((", "))"],
  dispatch: ["[\\", "\\]"],
};

const text = (s: string) => `"${s.replace(/"/g, "#quot;")}"`;

function node(n: GraphNode): string {
  const { caption, shape } = shapeOf(n);
  const [open, close] = BRACKETS[shape];
  return `${n.id}${open}${text(caption)}${close}`;
}

export function renderMermaid(graphs: readonly FunctionGraph[]): string {
  const out = ["flowchart TD"];
  for (const g of graphs) {
    const single = graphs.length === 1;
    const pad = single ? "  " : "    ";
    if (!single) out.push(`  subgraph ${g.nodes[0]!.id.replace(/_start$/, "")}[${text(`${g.name} (${g.id})`)}]`);
    const emit = (parent: string | undefined, indent: string) => {
      for (const n of g.nodes) if (n.group === parent) out.push(`${indent}${node(n)}`);
      for (const sub of g.groups.filter((x: GraphGroup) => x.parent === parent)) {
        out.push(`${indent}subgraph ${sub.id}[${text(sub.label)}]`);
        emit(sub.id, `${indent}  `);
        out.push(`${indent}end`);
      }
    };
    emit(undefined, pad);
    for (const e of g.edges) {
      const arrow = e.style === "dashed" ? "-.->" : "-->";
      out.push(`${pad}${e.from} ${arrow}${e.label !== undefined ? `|${text(e.label)}|` : ""} ${e.to}`);
    }
    if (!single) out.push("  end");
  }
  return `${out.join("\n")}\n`;
}
