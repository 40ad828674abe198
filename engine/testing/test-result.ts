/**
 * A finished run as a test reads it (AWS's TestResult): status, result parsed from JSON, error,
 * operations (optionally by status), invocations from the InvocationCompleted events, the history,
 * and `print()`'s table.
 */
import type { ErrorObject, OperationStatus } from "../../runtime/protocol/wire.ts";
import type { ExecutionView } from "../service/queries.ts";
import type { OperationContext } from "./test-operation.ts";
import { TestOperation, resultError } from "./test-operation.ts";
import type { Event, ExecutionStatus, Invocation, PrintConfig, TestResult, TestResultError } from "./types.ts";

export function testResult<TResult>(view: ExecutionView, context: OperationContext): TestResult<TResult> {
  const status = view.Status as ExecutionStatus;
  const events = [...context.index.events()].sort((a, b) => (a.EventId ?? 0) - (b.EventId ?? 0));
  const operations = () => context.index.operations().map((entry) => new TestOperation(context, entry));
  const error = (): TestResultError =>
    resultError(view.Error) ?? { errorMessage: `Execution failed with status "${status}"`, errorData: undefined, errorType: undefined, stackTrace: undefined };
  const invocations: Invocation[] = events
    .filter((event) => event.EventType === "InvocationCompleted")
    .map((event) => {
      const details = event.InvocationCompletedDetails as { StartTimestamp?: Date; EndTimestamp?: Date; RequestId?: string; Error?: { Payload?: ErrorObject } };
      return { startTimestamp: details.StartTimestamp, endTimestamp: details.EndTimestamp, requestId: details.RequestId, error: resultError(details.Error?.Payload) };
    });
  return {
    getStatus: () => status,
    getResult: () => {
      if (status !== "SUCCEEDED") {
        const failure = error();
        const thrown = new Error(failure.errorMessage?.trim());
        if (failure.stackTrace) thrown.stack = failure.stackTrace.join("\n");
        throw thrown;
      }
      return parseResult(view.Result) as TResult;
    },
    getError: () => {
      if (status === "SUCCEEDED") throw new Error("Cannot get error for succeeded execution");
      return error();
    },
    getOperations: (params?: { status: OperationStatus }) => operations().filter((op) => !params || op.getStatus() === params.status),
    getInvocations: () => invocations,
    getHistoryEvents: (): Event[] => events,
    print: (config?: PrintConfig) => print(operations(), config),
  };
}

function parseResult(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function print(operations: TestOperation[], config: PrintConfig = {}): void {
  if (operations.length === 0) {
    console.log("No operations found.");
    return;
  }
  const show = { parentId: true, name: true, type: true, subType: true, status: true, startTime: true, endTime: true, duration: true, ...config };
  console.table(
    operations.map((op) => {
      const start = op.getStartTimestamp();
      const end = op.getEndTimestamp();
      const row: Record<string, string> = {};
      if (show.parentId) row.parentId = op.getParentId() ?? "-";
      if (show.name) row.name = op.getName() ?? "-";
      if (show.type) row.type = op.getType() ?? "-";
      if (show.subType) row.subType = op.getSubType() ?? "-";
      if (show.status) row.status = op.getStatus() ?? "-";
      if (show.startTime) row.startTime = start ? start.toISOString() : "-";
      if (show.endTime) row.endTime = end ? end.toISOString() : "-";
      if (show.duration) row.duration = start && end ? `${end.getTime() - start.getTime()}ms` : "-";
      return row;
    }),
  );
}
