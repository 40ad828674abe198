/**
 * The engine as the simulation's service: `SimService` over the engine's own service layer
 * (engine/service, a real node:sqlite store, in process), on the simulation's virtual clock. It
 * plays the parts around the engine that the engine's scheduler and the outside world play in
 * production, deterministically: it fires the engine's timers when the virtual clock reaches them,
 * invokes the execution when the engine marks it ready, sends the world's answers to callbacks and
 * plain chained calls when they fall due (engine-world.ts), and kills the engine at the commands a
 * `CrashPlan` draws (before a command, at a statement inside its transaction, or after its commit),
 * reopening the same file with nothing of the dead engine kept but the file. After each restart
 * the store must hold exactly what was committed (engine-crashes.ts); the engine then recovers as
 * it does on start.
 *
 * It never decides a fault of the client (fault-client.ts does) and never changes the engine: what
 * it checks is recorded in `violations`.
 */
import { rmSync } from "node:fs";
import { errorObjectOf, timedOut } from "../../engine/invoke/invoker.ts";
import { invocationInput } from "../../engine/invoke/invocation-event.ts";
import type { Clock } from "../../engine/service/clock.ts";
import type { ServiceOptions } from "../../engine/service/service.ts";
import { DurableService } from "../../engine/service/service.ts";
import { INVALID_TOKEN } from "../../engine/service/service-error.ts";
import { withTimes } from "../../engine/service/state-view.ts";
import type { Committed } from "../../engine/service/transaction.ts";
import type { ExecutionRecord } from "../../engine/store/store.ts";
import { Store } from "../../engine/store/store.ts";
import type {
  CheckpointRequest,
  CheckpointResponse,
  DurableExecutionInvocationInput,
  DurableExecutionInvocationOutput,
  ExecutionStatePage,
  GetExecutionStateRequest,
  Operation,
} from "../../runtime/protocol/wire.ts";
import type { Crash, CrashPlan } from "./engine-crashes.ts";
import { committedContent, contentDifference, StatementHook } from "./engine-crashes.ts";
import { EngineWorld } from "./engine-world.ts";
import type { InvocationEnd, SimService, World } from "./service-model.ts";

export interface EngineServiceOptions {
  /** ":memory:" or a file path (a crash needs a file: the next engine opens it). */
  database: string;
  crashes?: CrashPlan;
  /** Called with every store opened (the first and each one after a restart): tests break it here. */
  onOpen?: (store: Store) => void;
}

/** The connection to the engine broke: what the caller of a crashed command sees. */
const lost = (crash: Crash): Error =>
  crash.at === "before"
    ? Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9014"), { code: "ECONNREFUSED" })
    : Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

class CommandLost extends Error {}

const TEN_YEARS = 10 * 366 * 86_400;

export class EngineService implements SimService {
  readonly violations: string[] = [];
  requests = 0;
  restarts = 0;
  readonly arn: string;
  private now = Date.UTC(2026, 0, 1, 12);
  private readonly clock: Clock = {
    skipping: true,
    now: () => this.now,
    jumpTo: (ms) => void (this.now = Math.max(this.now, ms)),
  };
  private readonly options: ServiceOptions;
  private readonly settings: EngineServiceOptions;
  private readonly outside: EngineWorld;
  private readonly hook = new StatementHook();
  private rawPrepare!: Store["db"]["prepare"];
  private store!: Store;
  private service!: DurableService;
  private readonly closing: Array<Promise<void>> = [];
  /** While a mid crash is armed: the store's content as of the last commit. */
  private lastCommitted: Map<string, string[]> | undefined;
  private invocations = 0;
  private stale = 0;

  constructor(input: unknown, world: World, settings: EngineServiceOptions) {
    this.outside = new EngineWorld(world);
    this.settings = settings;
    this.options = {
      region: "us-east-1",
      statePageSize: 1000,
      // Lambda retries a failed invocation as the driver does; the driver, not a count, decides "forever".
      retry: { maxAttempts: 1000, baseDelayMs: 1000, maxDelayMs: 5000 },
      // Every target is a plain function the World answers for.
      functions: { describe: (name) => ({ name, durable: false, executionTimeoutSeconds: TEN_YEARS }) },
    };
    this.open();
    this.arn = this.service.startExecution({ functionName: "sim", executionName: "sim", input: JSON.stringify(input), timeoutSeconds: TEN_YEARS }).execution.arn;
  }

  private open(): void {
    // SQLite checkpoints the WAL on commit: no checkpointer thread per open (a restart is an open).
    this.store = new Store(this.settings.database, "normal", "read-write", "connection");
    this.rawPrepare = this.store.db.prepare.bind(this.store.db);
    if (this.settings.crashes) this.hook.install(this.store);
    this.settings.onOpen?.(this.store);
    this.service = new DurableService(this.store, this.clock, this.options);
    this.service.onCommit((committed) => this.heard(committed));
  }

  private get record(): ExecutionRecord {
    return this.store.execution(this.arn)!;
  }

  get terminal(): boolean {
    return this.record.status !== "RUNNING";
  }

  get executionResult(): string | undefined {
    return this.record.result ?? undefined;
  }

  // What an invocation does

  startInvocation(pageSize?: number): DurableExecutionInvocationInput | undefined {
    for (let tries = 0; tries < 100; tries++) {
      if (this.terminal) throw new Error("simulation bug: invocation of an execution that ended");
      if (this.record.ready !== 1 && !this.advanceToNextTimer()) return undefined;
      this.options.statePageSize = pageSize === undefined ? 1000 : Math.max(1, pageSize);
      const id = `sim-invocation-${++this.invocations}`;
      let start;
      try {
        start = this.command(() => this.service.beginInvocation(this.arn, id));
      } catch (error) {
        if (error instanceof CommandLost) continue; // the engine re-invokes after its restart
        throw error;
      } finally {
        this.options.statePageSize = 1000;
      }
      if (!start) throw new Error(`simulation bug: the engine did not begin an invocation of a ready execution (${JSON.stringify(this.record)})`);
      return invocationInput(start, "iso");
    }
    this.violations.push("the engine crashed 100 times while beginning one invocation");
    return undefined;
  }

  endInvocation(end: InvocationEnd): void {
    const id = `sim-invocation-${this.invocations}`;
    const outcome = "output" in end ? { output: end.output } : { failure: "thrown" in end ? errorObjectOf(end.thrown) : timedOut(900_000) };
    try {
      this.command(() => this.service.endInvocation(this.arn, id, outcome));
    } catch (error) {
      if (!(error instanceof CommandLost)) throw error; // the answer is lost: the engine invokes again after its restart
    }
  }

  checkpoint(request: CheckpointRequest): CheckpointResponse {
    this.requests++;
    if (this.terminal) this.violations.push(`checkpoint after the execution ended: ${(request.Updates ?? []).map((u) => `${u.Type} ${u.Action} ${u.Name ?? u.Id}`).join(", ") || "(no updates)"}`);
    return this.call(() => {
      const [outcome] = this.service.checkpointGroup([request]);
      if (!outcome) throw new Error("simulation bug: no outcome");
      if ("error" in outcome) throw outcome.error;
      return withTimes(outcome.value, "date") as CheckpointResponse;
    });
  }

  getExecutionState(request: GetExecutionStateRequest): ExecutionStatePage {
    return this.call(() => withTimes(this.service.getExecutionState(request), "date") as ExecutionStatePage);
  }

  /** As a newer checkpoint of the same invocation would: the token the invocation holds is no longer current. */
  rotateToken(): void {
    if (this.record.token === null) return;
    this.store.transaction(() => this.store.updateExecution(this.arn, { token: `stale-${++this.stale}` }));
  }

  /** A client call: a crash is a broken connection; a refusal other than a stale token is a violation. */
  private call<T>(run: () => T): T {
    try {
      return this.command(run);
    } catch (error) {
      if (error instanceof CommandLost) throw error.cause;
      const e = error as { name?: string; message?: string };
      if (e?.name === "InvalidParameterValueException" && e.message !== INVALID_TOKEN) this.violations.push(`the engine rejected a request: ${e.message}`);
      throw error;
    }
  }

  // Time

  tick(seconds: number): void {
    this.advance(seconds);
  }

  advance(seconds: number): void {
    const until = this.now + seconds * 1000;
    for (let next = this.nextDue(); next !== undefined && next <= until; next = this.nextDue()) this.fireAt(next);
    this.now = Math.max(this.now, until);
  }

  /** Fires timers (the engine's and the world's) in time order until the engine marks the execution ready. */
  advanceToNextTimer(): boolean {
    for (let fired = 0; fired < 10_000; fired++) {
      if (this.terminal) return false;
      if (this.record.ready === 1) return true;
      const next = this.nextDue();
      if (next === undefined) return false;
      this.fireAt(next);
    }
    this.violations.push("the engine fired 10,000 timers without making the execution ready");
    return false;
  }

  private nextDue(): number | undefined {
    const timer = this.store.nextTimer()?.dueMs;
    const answer = this.outside.nextDue();
    return timer === undefined ? answer : answer === undefined ? timer : Math.min(timer, answer);
  }

  private fireAt(at: number): void {
    this.now = Math.max(this.now, at);
    const timer = this.store.nextTimer();
    if (timer && timer.dueMs <= this.now) {
      this.tryCommand(() => this.service.fireDueTimers());
      return;
    }
    const answer = this.outside.take()!;
    if (!this.tryCommand(() => answer.send(this.service))) this.outside.retry(answer);
  }

  /** After each commit: what the world learns; its reads are never counted as the engine's statements. */
  private heard(committed: Committed): void {
    if (this.hook.fired) return;
    this.hook.outside(() => {
      if (this.lastCommitted) this.lastCommitted = committedContent(this.rawPrepare);
      this.outside.learn(committed, this.now, (op) => (op.ParentId === undefined ? undefined : (this.store.operation(this.arn, op.ParentId)?.operation as Operation | undefined)));
    });
  }

  // Crashes

  /** Runs an engine command, or kills the engine where the crash plan says; false if it crashed. */
  private tryCommand(run: () => void): boolean {
    try {
      this.command(run);
      return true;
    } catch (error) {
      if (error instanceof CommandLost) return false;
      throw error;
    }
  }

  /**
   * Runs one engine command; when the plan kills the engine there, restarts it and throws
   * CommandLost. Some commands are several transactions (due timers fire one per transaction): what
   * a mid crash must leave is the content as of the last commit before it.
   */
  private command<T>(run: () => T): T {
    const crash = this.settings.crashes?.draw();
    if (!crash) return run();
    if (crash.at === "before") return this.crash(crash, committedContent(this.rawPrepare));
    if (crash.at === "mid") {
      this.lastCommitted = committedContent(this.rawPrepare);
      this.hook.arm(crash.statement);
      try {
        run();
      } catch (error) {
        if (!this.hook.fired) throw error;
      } finally {
        this.hook.disarm();
      }
      const expected = this.lastCommitted;
      this.lastCommitted = undefined;
      // The engine may have caught the kill itself (a grouped request's savepoint): it is still dead.
      if (this.hook.fired) return this.crash(crash, expected);
    } else {
      run();
    }
    // Committed (a mid crash past the command's last statement lands here too): the answer is lost.
    return this.crash({ at: "after" }, committedContent(this.rawPrepare));
  }

  private crash(crash: Crash, expected: Map<string, string[]>): never {
    this.settings.crashes!.count(crash.at);
    this.restart(expected);
    throw new CommandLost(`the engine was killed (${crash.at})`, { cause: lost(crash) });
  }

  /** The engine process dies and a new one opens the same file: only what was committed survives. */
  private restart(expected: Map<string, string[]>): void {
    this.restarts++;
    this.closing.push(this.store.close());
    this.open();
    this.hook.fired = false;
    const difference = contentDifference(expected, committedContent(this.rawPrepare));
    if (difference) this.violations.push(`after engine crash ${this.restarts}, the store is not what was committed:\n    ${difference}`);
    // As the engine starts: running invocations are invoked again, open plain calls called again.
    this.outside.recovered(this.service.recover(), this.now);
  }

  finish(output: DurableExecutionInvocationOutput): void {
    if (!this.terminal) return; // the answer was lost in a crash: the engine invokes again
    const status = this.record.status;
    if (status !== output.Status) this.violations.push(`the invocation answered ${output.Status} but the engine recorded ${status}`);
  }

  operations(): Operation[] {
    return this.store
      .operations(this.arn)
      .map((row) => withTimes(row.operation, "date") as Operation)
      .filter((op) => op.Type !== "EXECUTION");
  }

  /** Closes every store this service opened and removes its file. */
  async close(): Promise<void> {
    this.closing.push(this.store.close());
    await Promise.all(this.closing);
    if (this.settings.database !== ":memory:") for (const suffix of ["", "-wal", "-shm"]) rmSync(this.settings.database + suffix, { force: true });
  }
}
