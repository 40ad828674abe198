/**
 * Reads the executions an engine recorded, with their history events as GetDurableExecutionHistory
 * returns them, from the engine's database file without starting an engine: for reports such as
 * `use-durable check --histories .use-durable/engine.db`, also while an engine runs on the file.
 * Opens the file read-only; never migrates, writes, invokes or fires a timer.
 */
import type { ExecutionStatus, StoredEvent } from "./store/store.ts";
import { Store } from "./store/store.ts";

export interface RecordedEngineExecution {
  arn: string;
  name: string;
  functionName: string;
  status: ExecutionStatus;
  /** Oldest first, timestamps in epoch ms. */
  events: StoredEvent[];
}

export async function readEngineHistories(path: string, filter: { functionName?: string } = {}): Promise<RecordedEngineExecution[]> {
  const store = new Store(path, undefined, "read-only");
  try {
    return store.allExecutions(filter.functionName).map((record) => ({
      arn: record.arn,
      name: record.name,
      functionName: record.functionName,
      status: record.status,
      events: store.events(record.arn, 0, Number.MAX_SAFE_INTEGER, false),
    }));
  } finally {
    await store.close();
  }
}
