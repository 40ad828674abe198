/**
 * Operation ids, the official scheme: a counter per context gives "1", "2", ... at the root and
 * "<parent>-1", "<parent>-2", ... inside a child context (parent = the child context's own
 * unhashed id). On the wire an id is the first 16 hex characters of its MD5, so histories written
 * by the official SDK and by use-durable are interchangeable.
 */
// Not `import`: see runtime/SPEC.md "Built-in modules".
const { createHash } = process.getBuiltinModule("node:crypto");

export function hashId(stepId: string): string {
  return createHash("md5").update(stepId).digest("hex").slice(0, 16);
}

export class OperationIdCounter {
  private count = 0;
  private readonly prefix: string;

  /** `parentStepId`: the unhashed id of the enclosing child context, or undefined at the root. */
  constructor(parentStepId: string | undefined) {
    this.prefix = parentStepId === undefined ? "" : `${parentStepId}-`;
  }

  next(): string {
    return `${this.prefix}${++this.count}`;
  }

  /** The id `next()` will return, without consuming it. */
  peek(): string {
    return `${this.prefix}${this.count + 1}`;
  }
}
