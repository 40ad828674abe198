/**
 * Engine crashes for the simulation: where one lands (drawn per engine command from the schedule's
 * generator, up to a budget), the hook that makes a store statement the crash point in the middle
 * of a command's transaction, and the store's committed content, compared before and after a
 * restart. It never decides what the engine does after a restart (engine-service.ts does), and
 * never touches the engine's code: the hook wraps the store's statements from outside.
 */
import type { Statement } from "../../engine/store/database.ts";
import type { Store } from "../../engine/store/store.ts";
import type { Random } from "./random.ts";

/**
 * before: the engine dies before the command arrives (the caller's connection is refused);
 * mid: it dies at the `statement`-th store statement of the command, inside its transaction;
 * after: it dies once the command committed, before the answer leaves.
 */
export type Crash = { at: "before" } | { at: "mid"; statement: number } | { at: "after" };
export type CrashKind = Crash["at"];

export class CrashPlan {
  readonly rng: Random;
  private readonly rate: number;
  private left: number;
  readonly injected: Record<CrashKind, number> = { before: 0, mid: 0, after: 0 };

  constructor(rng: Random, options: { rate: number; budget: number }) {
    this.rng = rng;
    this.rate = options.rate;
    this.left = options.budget;
  }

  /** The crash at this command, or undefined. */
  draw(): Crash | undefined {
    if (this.left <= 0 || !this.rng.chance(this.rate)) return undefined;
    this.left--;
    const at = this.rng.pick(["before", "mid", "mid", "after"] as const);
    return at === "mid" ? { at, statement: this.rng.int(2, 5) } : { at };
  }

  /** What happened: a mid crash whose command had fewer statements ended up after its commit. */
  count(kind: CrashKind): void {
    this.injected[kind]++;
  }
}

/** The engine's process dying at a statement: every statement after it fails too. */
export class EngineKilled extends Error {
  override name = "EngineKilled";
}

const EXECUTING = new Set(["run", "get", "all", "iterate"]);

/** Counts the statements a store runs; once armed, the n-th one kills the engine. */
export class StatementHook {
  private countdown = 0;
  fired = false;

  arm(statement: number): void {
    this.countdown = statement;
    this.fired = false;
  }

  disarm(): void {
    this.countdown = 0;
  }

  /** Runs `fn` (the simulation's own reads, between the engine's statements) without counting it. */
  outside<T>(fn: () => T): T {
    const countdown = this.countdown;
    this.countdown = 0;
    try {
      return fn();
    } finally {
      this.countdown = countdown;
    }
  }

  /** Wraps every statement the store prepares from now on (the store prepares lazily). */
  install(store: Store): void {
    const prepare = store.db.prepare.bind(store.db);
    store.db.prepare = (sql: string): Statement => {
      const statement = prepare(sql);
      return new Proxy(statement, {
        get: (target, key) => {
          const value = Reflect.get(target, key, target) as unknown;
          if (typeof value !== "function") return value;
          return (...args: unknown[]) => {
            if (EXECUTING.has(String(key))) this.step();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    };
  }

  private step(): void {
    if (this.fired) throw new EngineKilled("the engine was killed");
    if (this.countdown > 0 && --this.countdown === 0) {
      this.fired = true;
      throw new EngineKilled("the engine was killed");
    }
  }
}

const TABLES = ["executions", "operations", "events", "timers", "callbacks", "clientTokens", "chained"] as const;

/**
 * Everything the store holds that the service's commands write, in a fixed order: what a restart
 * must find again exactly (the lock and the clock in `meta` are the process's, not the commands').
 */
export function committedContent(prepare: (sql: string) => Statement): Map<string, string[]> {
  const content = new Map<string, string[]>();
  for (const table of TABLES) {
    const rows = prepare(`SELECT * FROM ${table}`).all().map((row) => JSON.stringify(row));
    content.set(table, rows.sort());
  }
  return content;
}

/** The first differences between two contents, or undefined when they are the same. */
export function contentDifference(expected: Map<string, string[]>, found: Map<string, string[]>): string | undefined {
  const problems: string[] = [];
  for (const [table, rows] of expected) {
    const other = new Set(found.get(table) ?? []);
    const mine = new Set(rows);
    for (const row of rows) if (!other.has(row)) problems.push(`${table}: committed row missing: ${row.slice(0, 300)}`);
    for (const row of other) if (!mine.has(row)) problems.push(`${table}: row no command committed: ${row.slice(0, 300)}`);
  }
  return problems.length === 0 ? undefined : problems.slice(0, 4).join("\n    ");
}
