/**
 * What a test run has seen of its execution, as the engine commits it: every operation (Date
 * timestamps) with its own history events, in the order each first appeared, indexed by id, by
 * name and by parent, and the whole history in event order. The EXECUTION operation is kept apart,
 * as AWS's runner does, so operation indexes count the handler's operations only.
 */
import type { Operation } from "../../runtime/protocol/wire.ts";
import type { ExecutionChange } from "../service/execution-work.ts";
import { withTimes } from "../service/state-view.ts";
import type { Event } from "./types.ts";

export interface OperationEntry {
  operation: Operation;
  events: Event[];
}

export class OperationIndex {
  private readonly byId = new Map<string, OperationEntry>();
  private readonly byName = new Map<string, OperationEntry[]>();
  private readonly byParent = new Map<string, OperationEntry[]>();
  private readonly history: Event[] = [];
  private execution: OperationEntry | undefined;

  /** Takes one committed change of the execution; returns the entries it touched. */
  add(change: ExecutionChange): OperationEntry[] {
    const touched: OperationEntry[] = [];
    for (const stored of change.operations) {
      const operation = withTimes(stored, "date") as Operation;
      if (operation.Type === "EXECUTION") {
        this.execution = { operation, events: this.execution?.events ?? [] };
        continue;
      }
      let entry = this.byId.get(operation.Id);
      if (entry) {
        entry.operation = operation;
      } else {
        entry = { operation, events: [] };
        this.byId.set(operation.Id, entry);
        if (operation.Name !== undefined) push(this.byName, operation.Name, entry);
        if (operation.ParentId !== undefined) push(this.byParent, operation.ParentId, entry);
      }
      touched.push(entry);
    }
    for (const stored of change.events) {
      const event = withTimes(stored, "date") as unknown as Event;
      this.history.push(event);
      const owner = event.Id === undefined ? undefined : event.Id === this.execution?.operation.Id ? this.execution : this.byId.get(event.Id);
      owner?.events.push(event);
    }
    return touched;
  }

  operations(): OperationEntry[] {
    return [...this.byId.values()];
  }

  get(id: string): OperationEntry | undefined {
    return this.byId.get(id);
  }

  byIndex(index: number): OperationEntry | undefined {
    return this.operations().at(index);
  }

  byNameAndIndex(name: string, index = 0): OperationEntry | undefined {
    return this.byName.get(name)?.at(index);
  }

  children(id: string): OperationEntry[] {
    return this.byParent.get(id) ?? [];
  }

  events(): Event[] {
    return this.history;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
