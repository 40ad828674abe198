/**
 * The client one simulated invocation talks to the service through, and the faults a user's bad
 * day brings: throttling (429), a server error (5xx), a lost response after the update was applied,
 * a slow response, a stale token, and the invocation abandoned (the sandbox frozen at that await:
 * the call, and every later call and step body of that invocation, never returns). Faults are drawn
 * per call from the schedule's generator, up to a budget per execution, so every schedule can end.
 * It never knows what the workflow is; step bodies reach `point()` through `simHooks`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { DurableExecutionClient } from "../../runtime/protocol/client.ts";
import type { CheckpointRequest, CheckpointResponse, ExecutionStatePage, GetExecutionStateRequest } from "../../runtime/protocol/wire.ts";
import type { Random } from "./random.ts";
import type { SimService } from "./service-model.ts";
import { ServiceError } from "./service-model.ts";

export type FaultKind = "throttle" | "server" | "lost" | "slow" | "stale" | "abandon";
export const FAULT_KINDS: readonly FaultKind[] = ["throttle", "server", "lost", "slow", "stale", "abandon"];

/** Counts everything the simulation does, so the driver can tell an idle hang from slow work. */
export const activity = { count: 0 };

/** A macrotask turn (real setImmediate: nothing in the simulation fakes timers). */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const never = <T>(): Promise<T> => new Promise<T>(() => {});

/** The faults of one execution: which kinds, how often, how many in all. */
export class FaultSchedule {
  readonly rng: Random;
  readonly kinds: readonly FaultKind[];
  readonly rate: number;
  private faultsLeft: number;
  private abandonsLeft: number;
  readonly injected: Record<FaultKind, number> = { throttle: 0, server: 0, lost: 0, slow: 0, stale: 0, abandon: 0 };

  constructor(rng: Random, options: { kinds: readonly FaultKind[]; rate: number; budget: number; abandons: number }) {
    this.rng = rng;
    this.kinds = options.kinds;
    this.rate = options.rate;
    this.faultsLeft = options.budget;
    this.abandonsLeft = options.abandons;
  }

  static none(rng: Random): FaultSchedule {
    return new FaultSchedule(rng, { kinds: [], rate: 0, budget: 0, abandons: 0 });
  }

  /** The fault for this call, or undefined; `allowed` narrows the kinds that fit the call. */
  draw(allowed: readonly FaultKind[]): FaultKind | undefined {
    if (this.faultsLeft <= 0 || !this.rng.chance(this.rate)) return undefined;
    const kinds = this.kinds.filter((k) => allowed.includes(k) && (k !== "abandon" || this.abandonsLeft > 0));
    if (kinds.length === 0) return undefined;
    const kind = this.rng.pick(kinds);
    this.faultsLeft--;
    if (kind === "abandon") this.abandonsLeft--;
    this.injected[kind]++;
    return kind;
  }
}

/** One invocation as Lambda runs it: it dies when abandoned, and it answers once. */
export class Invocation {
  readonly number: number;
  dead = false;
  answered = false;
  readonly died: Promise<void>;
  private kill!: () => void;
  readonly violations: string[];

  constructor(number: number, violations: string[]) {
    this.number = number;
    this.violations = violations;
    this.died = new Promise((resolve) => (this.kill = resolve));
  }

  abandon(): void {
    this.dead = true;
    this.kill();
  }

  /** What a frozen or finished sandbox does with a call: nothing, ever; a call after the answer is a violation. */
  gate(what: string): Promise<never> | undefined {
    if (this.answered) this.violations.push(`invocation ${this.number} called ${what} after it answered`);
    return this.dead || this.answered ? never() : undefined;
  }
}

const invocationStore = new AsyncLocalStorage<{ invocation: Invocation; faults: FaultSchedule }>();

export function runInInvocation<T>(invocation: Invocation, faults: FaultSchedule, fn: () => T): T {
  return invocationStore.run({ invocation, faults }, fn);
}

/**
 * What step bodies call, directly or (in bundled compiled code) through `globalThis.__udSim`:
 * an await at which the invocation may be abandoned, or may take a few turns.
 */
export const simHooks = {
  async point(): Promise<void> {
    activity.count++;
    const current = invocationStore.getStore();
    if (!current) return;
    if (current.invocation.dead) return never();
    if (current.faults.draw(["abandon"]) === "abandon") {
      current.invocation.abandon();
      return never();
    }
    const turns = current.faults.rng.int(0, 2);
    for (let i = 0; i < turns; i++) await turn();
    activity.count++;
    if (current.invocation.dead) return never();
  },
};

export class FaultClient implements DurableExecutionClient {
  private readonly service: SimService;
  private readonly invocation: Invocation;
  private readonly faults: FaultSchedule;

  constructor(service: SimService, invocation: Invocation, faults: FaultSchedule) {
    this.service = service;
    this.invocation = invocation;
    this.faults = faults;
  }

  async checkpoint(request: CheckpointRequest): Promise<CheckpointResponse> {
    const gated = this.invocation.gate("CheckpointDurableExecution");
    if (gated) return gated;
    activity.count++;
    const copy = structuredClone(request);
    const fault = this.faults.draw(FAULT_KINDS);
    await this.delay(fault === "slow" ? this.faults.rng.int(3, 12) : this.faults.rng.int(0, 1));
    if (this.invocation.dead) return never();
    switch (fault) {
      case "abandon":
        this.invocation.abandon();
        return never();
      case "throttle":
        throw new ServiceError("TooManyRequestsException", 429, "Rate exceeded");
      case "server":
        throw new ServiceError("ServiceException", 500, "We encountered an internal error. Please try again.");
      case "stale":
        this.service.rotateToken();
        break;
      case "lost": {
        this.service.tick(this.faults.rng.int(0, 2));
        this.service.checkpoint(copy);
        throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      }
    }
    this.service.tick(this.faults.rng.int(0, 2));
    const response = this.service.checkpoint(copy);
    await this.delay(this.faults.rng.int(0, 1));
    if (this.invocation.dead) return never();
    return structuredClone(response);
  }

  async getExecutionState(request: GetExecutionStateRequest): Promise<ExecutionStatePage> {
    const gated = this.invocation.gate("GetDurableExecutionState");
    if (gated) return gated;
    activity.count++;
    const fault = this.faults.draw(["throttle", "server", "slow", "abandon"]);
    await this.delay(fault === "slow" ? this.faults.rng.int(3, 12) : this.faults.rng.int(0, 1));
    if (this.invocation.dead) return never();
    if (fault === "abandon") {
      this.invocation.abandon();
      return never();
    }
    if (fault === "throttle") throw new ServiceError("TooManyRequestsException", 429, "Rate exceeded");
    if (fault === "server") throw new ServiceError("ServiceException", 500, "We encountered an internal error. Please try again.");
    return structuredClone(this.service.getExecutionState(request));
  }

  private async delay(turns: number): Promise<void> {
    for (let i = 0; i < turns; i++) {
      await turn();
      activity.count++;
    }
  }
}
