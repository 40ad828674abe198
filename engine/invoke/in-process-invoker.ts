/**
 * Runs handlers in the engine's own process (the test runner, embedded use): the event carries a
 * client that calls the service directly, with Date timestamps as AWS's emulator hands them out.
 * A handler past its timeout is abandoned, not stopped (a thread cannot be): its token dies with
 * the next invocation, so it can never write again. Isolation from crashes needs the worker pool.
 */
import type { CheckpointRequest, GetExecutionStateRequest } from "../../runtime/protocol/wire.ts";
import type { InvocationStart } from "../service/invocations.ts";
import type { DurableService } from "../service/service.ts";
import { withTimes } from "../service/state-view.ts";
import type { RegisteredFunction } from "./functions.ts";
import { DurableExecutionInvocationInputWithClient, invocationInput, lambdaContext } from "./invocation-event.ts";
import type { InvocationResult, Invoker, PlainResult } from "./invoker.ts";
import { errorObjectOf, timedOut } from "./invoker.ts";
import { microtask, realClearTimeout, realSetTimeout } from "../host-timers.ts";

export class InProcessInvoker implements Invoker {
  private readonly service: DurableService;

  constructor(service: DurableService) {
    this.service = service;
  }

  private pending: Array<{ request: CheckpointRequest; resolve(value: unknown): void; reject(error: unknown): void }> = [];

  /**
   * Checkpoints made in the same microtask turn (concurrent executions' batchers flush on the same
   * tick) are committed together: one transaction, a savepoint each.
   */
  private checkpoint(request: CheckpointRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.pending.push({ request, resolve, reject }) > 1) return;
      microtask(() => {
        const batch = this.pending;
        this.pending = [];
        let outcomes: Array<{ value: unknown } | { error: unknown }>;
        try {
          outcomes = this.service.checkpointGroup(batch.map((b) => b.request));
        } catch (error) {
          outcomes = batch.map(() => ({ error }));
        }
        batch.forEach((b, i) => {
          const outcome = outcomes[i]!;
          if ("value" in outcome) b.resolve(withTimes(outcome.value, "date"));
          else b.reject(outcome.error);
        });
      });
    });
  }

  /** The durable client an in-process handler gets on its event. */
  client() {
    const service = this.service;
    return {
      checkpoint: (request: unknown) => this.checkpoint(request as CheckpointRequest),
      async getExecutionState(request: unknown) {
        return withTimes(service.getExecutionState(request as GetExecutionStateRequest), "date");
      },
    };
  }

  async invoke(fn: RegisteredFunction, start: InvocationStart): Promise<InvocationResult> {
    if (!("handler" in fn.code)) throw new Error(`${fn.name} is not an in-process function`);
    const event = new DurableExecutionInvocationInputWithClient(invocationInput(start, "date"), this.client());
    const context = lambdaContext({ functionName: fn.name, region: this.service.options.region, requestId: start.invocationId, timeoutMs: fn.timeoutMs });
    const handler = fn.code.handler;
    return withTimeout(fn.timeoutMs, async () => ({ output: await handler(event, context) }));
  }

  async callPlain(fn: RegisteredFunction, payload: string | null, requestId: string): Promise<PlainResult> {
    if (!("handler" in fn.code)) throw new Error(`${fn.name} is not an in-process function`);
    const handler = fn.code.handler;
    const context = lambdaContext({ functionName: fn.name, region: this.service.options.region, requestId, timeoutMs: fn.timeoutMs });
    const outcome = await withTimeout(fn.timeoutMs, async () => {
      const input = payload ? (JSON.parse(payload) as unknown) : {};
      // Callback-style handlers answer through the third argument; async ones through the promise.
      const output = await new Promise<unknown>((resolve, reject) => {
        const returned = handler.call(undefined, input, context, (error: unknown, value: unknown) => (error ? reject(error) : resolve(value)));
        if (returned && typeof (returned as Promise<unknown>).then === "function") (returned as Promise<unknown>).then(resolve, reject);
      });
      return { output };
    });
    if ("failure" in outcome) return { error: outcome.failure };
    const text = JSON.stringify(outcome.output);
    return text === undefined ? {} : { result: text };
  }

  async close(): Promise<void> {}
}

async function withTimeout(timeoutMs: number, run: () => Promise<{ output: unknown }>): Promise<InvocationResult> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<InvocationResult>((resolve) => {
    timer = realSetTimeout(() => resolve({ failure: timedOut(timeoutMs) }), timeoutMs);
  });
  try {
    return await Promise.race([run().catch((error: unknown) => ({ failure: errorObjectOf(error) })), expired]);
  } finally {
    realClearTimeout(timer);
  }
}
