/**
 * Names and ARNs as Lambda spells them: function names, durable execution names, execution ARNs
 * (`arn:aws:lambda:<region>:000000000000:function:<fn>:$LATEST/durable-execution/<name>/<id>`) and
 * function ARNs. A function may be addressed by name, by ARN, or by a partial `fn:qualifier`.
 */
import { invalidParameter } from "./service-error.ts";

export const ACCOUNT = "000000000000";
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function functionArn(region: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${ACCOUNT}:function:${functionName}`;
}

export function executionArn(region: string, functionName: string, executionName: string, id: string): string {
  return `${functionArn(region, functionName)}:$LATEST/durable-execution/${executionName}/${id}`;
}

/** The function name inside a name, a function ARN or `name:qualifier`. */
export function functionNameOf(reference: string): string {
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:/]+)/.exec(reference);
  if (arn) return arn[1]!;
  return reference.split(":")[0]!;
}

export function assertFunctionName(name: string): void {
  if (!NAME.test(name)) {
    throw invalidParameter(`Function name ${JSON.stringify(name)} is not valid: use 1 to 64 letters, digits, hyphens or underscores.`);
  }
}

export function assertExecutionName(name: string): void {
  if (!NAME.test(name)) {
    throw invalidParameter(
      `1 validation error detected: Value ${JSON.stringify(name)} at 'durableExecutionName' failed to satisfy constraint: ` +
        "Member must have length between 1 and 64 and match pattern [a-zA-Z0-9-_]+",
    );
  }
}
