/**
 * What the service refuses in a checkpoint request, before anything is written: the request-level
 * rules (one EXECUTION update, last; ids, names; the same id twice only as START then a close for
 * STEP and CONTEXT; parents that are CONTEXTs), the size limits, and each type's status machine
 * (engine/SPEC.md has the table). Messages are the service's (as AWS's emulator words them).
 * Pure: the caller passes a lookup of the stored operations.
 */
import type { OperationUpdate } from "../../runtime/protocol/wire.ts";
import type { StoredOperation } from "../store/store.ts";
import { invalidParameter } from "./service-error.ts";

export const MAX_ERROR_UPDATE_BYTES = 32_768;
export const MAX_PAYLOAD_BYTES = 262_144;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const NAME = /^[\x20-\x7E]{1,256}$/;

const ACTIONS: Record<string, readonly string[]> = {
  STEP: ["START", "SUCCEED", "FAIL", "RETRY"],
  CONTEXT: ["START", "SUCCEED", "FAIL"],
  WAIT: ["START", "CANCEL"],
  CALLBACK: ["START", "CANCEL"],
  CHAINED_INVOKE: ["START", "CANCEL"],
  EXECUTION: ["SUCCEED", "FAIL"],
};

export type OperationLookup = (id: string) => StoredOperation | undefined;

export function validateUpdates(updates: readonly OperationUpdate[], lookup: OperationLookup): void {
  if (!Array.isArray(updates)) throw invalidParameter("Updates must be a list of operation updates.");
  const executionUpdates = updates.filter((u) => u?.Type === "EXECUTION");
  if (executionUpdates.length > 1) throw invalidParameter("Cannot checkpoint multiple EXECUTION updates.");
  if (executionUpdates.length === 1 && updates[updates.length - 1]?.Type !== "EXECUTION") {
    throw invalidParameter("EXECUTION checkpoint must be the last update.");
  }
  const started = new Map<string, OperationUpdate>();
  const lastSeen = new Map<string, OperationUpdate>();
  for (const update of updates) {
    if (typeof update !== "object" || update === null) throw invalidParameter("Each update must be an object.");
    if (typeof update.Id !== "string" || update.Id === "") throw invalidParameter("Operation update must have an Id.");
    if (update.Type !== "EXECUTION" && !ID.test(update.Id)) {
      throw invalidParameter(`Operation update Id ${JSON.stringify(update.Id)} must be 1 to 64 characters of [a-zA-Z0-9-_].`);
    }
    if (update.Name !== undefined && (typeof update.Name !== "string" || !NAME.test(update.Name))) {
      throw invalidParameter(`Operation update Name must be 1 to 256 printable ASCII characters (update ${update.Id}).`);
    }
    const previous = lastSeen.get(update.Id);
    if (previous && !((previous.Type === "STEP" || previous.Type === "CONTEXT") && previous.Action === "START" && update.Action !== "START")) {
      throw invalidParameter("Cannot update the same operation twice in a single request.");
    }
    if (update.ParentId !== undefined && update.ParentId !== null) {
      const parent = started.get(update.ParentId)?.Type ?? lookup(update.ParentId)?.Type;
      if (parent !== "CONTEXT") throw invalidParameter("Invalid parent operation id.");
    }
    if (update.Action === "START") started.set(update.Id, update);
    lastSeen.set(update.Id, update);
  }
  for (const update of updates) validateUpdate(update, update.Type === "EXECUTION" ? undefined : lookup(update.Id));
}

function validateUpdate(update: OperationUpdate, operation: StoredOperation | undefined): void {
  if (update.Error != null && Buffer.byteLength(JSON.stringify(update)) > MAX_ERROR_UPDATE_BYTES) {
    throw invalidParameter(`Error object size must be less than ${MAX_ERROR_UPDATE_BYTES} bytes.`);
  }
  if (update.Type !== "EXECUTION" && typeof update.Payload === "string" && Buffer.byteLength(update.Payload) > MAX_PAYLOAD_BYTES) {
    throw invalidParameter(`${update.Type} output payload size must be less than or equal to ${MAX_PAYLOAD_BYTES} bytes.`);
  }
  const actions = ACTIONS[update.Type];
  if (!actions) throw invalidParameter("Unknown operation type.");
  if (!actions.includes(update.Action)) throw invalidParameter("Invalid action for the given operation type.");
  if (operation && operation.Type !== update.Type) {
    throw invalidParameter(`Operation ${update.Id} is a ${operation.Type}; it cannot be updated as a ${update.Type}.`);
  }
  const status = operation?.Status;
  const closing = update.Action === "SUCCEED" || update.Action === "FAIL";
  if (closing && update.Action === "FAIL" && update.Payload != null) throw invalidParameter("Cannot provide a Payload for FAIL action.");
  if (closing && update.Action === "SUCCEED" && update.Error != null) throw invalidParameter("Cannot provide an Error for SUCCEED action.");
  switch (update.Type) {
    case "STEP":
      if (update.Action === "START" && operation && status !== "READY") throw invalidParameter("Invalid current STEP state to start.");
      if (closing && operation && status !== "STARTED" && status !== "READY") throw invalidParameter("Invalid current STEP state to close.");
      if (update.Action === "RETRY") {
        if (operation && status !== "STARTED" && status !== "READY") throw invalidParameter("Invalid current STEP state to re-attempt.");
        if (update.StepOptions == null) throw invalidParameter("Invalid StepOptions for the given action.");
        if (update.Error != null && update.Payload != null) throw invalidParameter("Cannot provide both error and payload to RETRY a STEP.");
      }
      break;
    case "CONTEXT":
      if (update.Action === "START" && operation) throw invalidParameter("Cannot start a CONTEXT that already exists.");
      if (closing && operation && status !== "STARTED") throw invalidParameter("Invalid current CONTEXT state to close.");
      break;
    case "WAIT":
    case "CALLBACK":
    case "CHAINED_INVOKE":
      if (update.Action === "START" && operation) throw invalidParameter(`Cannot start a ${update.Type} that already exists.`);
      if (update.Action === "CANCEL" && status !== "STARTED") {
        throw invalidParameter(`Cannot cancel a ${update.Type} that does not exist or has already completed.`);
      }
      if (update.Type === "CHAINED_INVOKE" && update.Action === "START" && !update.ChainedInvokeOptions?.FunctionName) {
        throw invalidParameter("ChainedInvokeOptions.FunctionName is required to start a CHAINED_INVOKE.");
      }
      break;
  }
}
