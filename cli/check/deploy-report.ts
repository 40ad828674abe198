/**
 * Prints a `check --against` report: one line per durable function with its classification, the
 * findings under it (each naming the call site in both versions), a summary line. Pure: text out.
 */
import type { DeployReport } from "./deploy-classify.ts";

export function formatDeployReport(report: DeployReport): string {
  const lines: string[] = [];
  for (const f of report.functions) {
    lines.push(`${f.classification.padEnd(9)}  ${f.name}  (${f.id})`);
    for (const x of f.findings) {
      lines.push(`  ${x.code} ${x.classification}: ${x.message}`);
      const where = [x.old && `old ${x.old}`, x.new && `new ${x.new}`].filter(Boolean).join("  ");
      if (where) lines.push(`    ${where}`);
    }
  }
  const s = report.summary;
  const n = report.functions.length;
  lines.push(`${n} durable function${n === 1 ? "" : "s"}: ${s.unchanged} unchanged, ${s.safe} safe, ${s.risky} risky, ${s.breaking} breaking`);
  if (!report.ok) lines.push("Executions in flight may fail or continue with wrong values on the new version: keep them on the old version (qualified ARN) until they drain, or guard the change with patched(\"change-id\").");
  return `${lines.join("\n")}\n`;
}
