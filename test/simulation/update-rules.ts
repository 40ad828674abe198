/**
 * How the service validates one CheckpointDurableExecution request, as AWS's emulator does it
 * (@aws/durable-execution-sdk-js-testing, checkpoint-server: validateCheckpointUpdates and the
 * per-type validators), plus the limits the real service adds (payloads of 256 KiB, names of 1-256
 * printable ASCII). Returns the service's message for the first problem, or undefined. A correct
 * runtime never sends a request this rejects, so the simulation counts every rejection as a
 * violation. Pure: it reads the operations, never changes them.
 */
import type { Operation, OperationUpdate } from "../../runtime/protocol/wire.ts";

const ERROR_BYTES = 32_768;
const PAYLOAD_BYTES = 256 * 1024;

const ACTIONS: Record<string, readonly string[]> = {
  STEP: ["START", "FAIL", "RETRY", "SUCCEED"],
  CONTEXT: ["START", "FAIL", "SUCCEED"],
  WAIT: ["START", "CANCEL"],
  CALLBACK: ["START", "CANCEL"],
  CHAINED_INVOKE: ["START", "CANCEL"],
  EXECUTION: ["SUCCEED", "FAIL"],
};

const bytes = (text: string): number => Buffer.byteLength(text, "utf8");

export function checkRequest(updates: readonly OperationUpdate[], get: (id: string) => Operation | undefined): string | undefined {
  const executions = updates.filter((u) => u.Type === "EXECUTION");
  if (executions.length > 1) return "Cannot checkpoint multiple EXECUTION updates.";
  if (executions.length === 1 && updates[updates.length - 1]!.Type !== "EXECUTION") return "EXECUTION checkpoint must be the last update.";
  const started = new Map<string, OperationUpdate>();
  const seen = new Map<string, OperationUpdate>();
  for (const u of updates) {
    if (!u.Id) return "Operation update must have an Id.";
    const last = seen.get(u.Id);
    // A STEP or CONTEXT may be started and ended in one request; nothing else twice.
    if (last && !((last.Type === "STEP" || last.Type === "CONTEXT") && last.Action === "START" && u.Action !== "START")) {
      return "Cannot update the same operation twice in a single request.";
    }
    if (u.ParentId) {
      const parent = started.get(u.ParentId) ?? get(u.ParentId);
      if (!parent || parent.Type !== "CONTEXT") return `Invalid parent operation id (${u.ParentId} for ${u.Id}).`;
    }
    if (u.Action === "START") started.set(u.Id, u);
    seen.set(u.Id, u);
  }
  for (const u of updates) {
    const problem = checkUpdate(u, get(u.Id));
    if (problem) return `${problem} (${u.Type} ${u.Action} ${u.Id}${u.Name === undefined ? "" : ` "${u.Name}"`})`;
  }
  return undefined;
}

function checkUpdate(u: OperationUpdate, op: Operation | undefined): string | undefined {
  if (u.Error != null && bytes(JSON.stringify(u)) > ERROR_BYTES) return `Error object size must be less than ${ERROR_BYTES} bytes.`;
  if (u.Type !== "EXECUTION" && u.Payload !== undefined && bytes(u.Payload) > PAYLOAD_BYTES) {
    return `${u.Type} payload size must be less than or equal to ${PAYLOAD_BYTES} bytes.`;
  }
  if (u.Name !== undefined && (u.Name.length < 1 || u.Name.length > 256 || !/^[\x20-\x7E]+$/.test(u.Name))) return "Invalid operation name.";
  const valid = ACTIONS[u.Type];
  if (!valid) return "Unknown operation type.";
  if (!valid.includes(u.Action)) return "Invalid action for the given operation type.";
  if (u.Action === "FAIL" && u.Payload != null) return "Cannot provide a Payload for FAIL action.";
  if (u.Action === "SUCCEED" && u.Error != null) return "Cannot provide an Error for SUCCEED action.";
  if (op && op.Type !== u.Type) return `The operation is a ${op.Type}, not a ${u.Type}.`;
  switch (u.Type) {
    case "STEP":
      if (u.Action === "START" && op && op.Status !== "READY") return "Invalid current STEP state to start.";
      if ((u.Action === "SUCCEED" || u.Action === "FAIL") && op && op.Status !== "STARTED" && op.Status !== "READY") return "Invalid current STEP state to close.";
      if (u.Action === "RETRY") {
        if (op && op.Status !== "STARTED" && op.Status !== "READY") return "Invalid current STEP state to re-attempt.";
        if (u.StepOptions == null) return "Invalid StepOptions for the given action.";
        if (u.Error != null && u.Payload != null) return "Cannot provide both error and payload to RETRY a STEP.";
      }
      return undefined;
    case "CONTEXT":
      if (u.Action === "START" && op) return "Cannot start a CONTEXT that already exists.";
      if (u.Action !== "START" && op && op.Status !== "STARTED") return "Invalid current CONTEXT state to close.";
      return undefined;
    case "EXECUTION":
      return undefined;
    default:
      if (u.Action === "START" && op) return `Cannot start a ${u.Type} that already exists.`;
      if (u.Action === "CANCEL" && op?.Status !== "STARTED") return `Cannot cancel a ${u.Type} that does not exist or has already completed.`;
      return undefined;
  }
}
