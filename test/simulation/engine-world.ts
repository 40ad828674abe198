/**
 * The world outside the engine, for the engine backend: what the workflow's `World` says external
 * systems do, turned into answers due at virtual times. A callback the engine hands out is answered
 * (success or failure) after the World's delay, through the callback API; a plain chained call the
 * engine asks for completes after the World's delay. It learns of both from the engine's commits
 * and, after a restart, from `recover()`; it outlives engine crashes (the world does not die with
 * the engine) and an answer the dead engine never committed is sent again. It never reads the
 * engine's store beyond the operation it is told about, and decides no fault or crash.
 */
import type { DurableService } from "../../engine/service/service.ts";
import type { Committed } from "../../engine/service/transaction.ts";
import type { ChainedRecord } from "../../engine/store/store.ts";
import type { Operation } from "../../runtime/protocol/wire.ts";
import type { World } from "./service-model.ts";

export interface Answer {
  at: number;
  seq: number;
  /** Sends the answer to the engine (one engine command). */
  send: (service: DurableService) => void;
}

export class EngineWorld {
  private readonly world: World;
  private answers: Answer[] = [];
  private readonly planned = new Set<string>();
  private seq = 0;

  constructor(world: World) {
    this.world = world;
  }

  /** What a commit handed out: callbacks started, plain calls asked for. `parentOf` reads an operation's parent. */
  learn(committed: Committed, now: number, parentOf: (op: Operation) => Operation | undefined): void {
    for (const change of committed.changes) {
      for (const op of change.operations) {
        if (op.Type === "CALLBACK" && op.Status === "STARTED" && op.CallbackDetails?.CallbackId) this.callback(op as Operation, op.CallbackDetails.CallbackId, now, parentOf);
      }
    }
    for (const call of committed.plainCalls) this.call(call, now);
  }

  /** After a restart: the open plain calls the engine calls again (already known ones keep their answer). */
  recovered(calls: readonly ChainedRecord[], now: number): void {
    for (const call of calls) this.call(call, now);
  }

  /** When the next answer is due, if any. */
  nextDue(): number | undefined {
    return this.answers.reduce<number | undefined>((min, a) => (min === undefined || a.at < min ? a.at : min), undefined);
  }

  /** The next answer due, taken off the list. */
  take(): Answer | undefined {
    const next = [...this.answers].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
    if (next) this.answers = this.answers.filter((a) => a !== next);
    return next;
  }

  /** The engine died before committing an answer: an external system retries a failed call. */
  retry(answer: Answer): void {
    this.answers.push({ ...answer, seq: ++this.seq });
  }

  private callback(op: Operation, callbackId: string, now: number, parentOf: (op: Operation) => Operation | undefined): void {
    if (this.planned.has(callbackId)) return;
    this.planned.add(callbackId);
    const answer = this.world.callback(op, parentOf(op));
    if (answer === "never") return;
    this.plan(now, answer.afterSeconds, (service) => {
      try {
        if (answer.error) service.sendCallbackFailure(callbackId, answer.error);
        else service.sendCallbackSuccess(callbackId, answer.result ?? "");
      } catch (error) {
        // Timed out meanwhile: the answer comes too late, as it would on AWS.
        if ((error as { name?: string }).name !== "CallbackTimeoutException") throw error;
      }
    });
  }

  private call(call: ChainedRecord, now: number): void {
    const key = `${call.arn}/${call.opId}`;
    if (this.planned.has(key)) return;
    this.planned.add(key);
    const outcome = this.world.invoke(call.functionName, call.payload ?? undefined);
    this.plan(now, outcome.afterSeconds, (service) =>
      service.completePlainCall(call, outcome.error ? { error: outcome.error } : { ...(outcome.result !== undefined && { result: outcome.result }) }),
    );
  }

  private plan(now: number, afterSeconds: number, send: (service: DurableService) => void): void {
    this.answers.push({ at: now + afterSeconds * 1000, seq: ++this.seq, send });
  }
}
