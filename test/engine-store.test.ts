/**
 * The store's contract: the schema version in user_version, a database from a newer version
 * refused with a clear error, data kept across a reopen, who checkpoints the WAL, the running
 * executions it keeps in memory following rollbacks, the Node check, and node:sqlite's
 * ExperimentalWarning silenced without silencing any other warning.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { assertEngineNode } from "../engine/node-version.ts";
import { openDatabase } from "../engine/store/database.ts";
import { SCHEMA_VERSION } from "../engine/store/schema.ts";
import { Store } from "../engine/store/store.ts";

const dir = mkdtempSync(join(tmpdir(), "ud-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a new file gets the schema at the current version, in WAL mode, and keeps its rows across a reopen", async () => {
  const path = join(dir, "a", "engine.db");
  const store = new Store(path);
  expect(store.db.prepare("PRAGMA user_version").get()).toEqual({ user_version: SCHEMA_VERSION });
  expect(store.db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
  store.transaction(() => store.setMeta("k", "v"));
  await store.close();
  const again = new Store(path);
  expect(again.meta("k")).toBe("v");
  await again.close();
});

test("WAL checkpoints: the engine's connection never checkpoints by itself (a thread does), unless left to SQLite", async () => {
  const threaded = new Store(join(dir, "threaded.db"));
  const plain = new Store(join(dir, "plain.db"), "normal", "read-write", "connection");
  expect(threaded.db.prepare("PRAGMA wal_autocheckpoint").get()).toEqual({ wal_autocheckpoint: 0 });
  expect(plain.db.prepare("PRAGMA wal_autocheckpoint").get()).toEqual({ wal_autocheckpoint: 1000 });
  plain.transaction(() => plain.setMeta("k", "v"));
  await Promise.all([threaded.close(), plain.close()]);
  const again = new Store(join(dir, "plain.db"));
  expect(again.meta("k")).toBe("v");
  await again.close();
});

test("a database written by a newer version is refused, untouched", async () => {
  const path = join(dir, "newer.db");
  const db = openDatabase(path);
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 4}`);
  await db.close();
  expect(() => new Store(path)).toThrow(
    expect.objectContaining({ code: "UD_ENGINE_DB_NEWER", message: expect.stringMatching(/newer use-durable \(schema \d+; this version knows up to \d+\)\. Upgrade use-durable/) }),
  );
});

test("a database at schema 1 is read as it is by a read-only report, and opens migrated to the current version, its rows kept and operations_by_seq dropped", async () => {
  const path = join(dir, "v1.db");
  const store = new Store(path);
  store.transaction(() => store.setMeta("k", "kept"));
  await store.close();
  // Put the file back as schema 1 wrote it: the index that step 2 drops, and user_version 1.
  // node:sqlite loaded the way the engine loads it (its ExperimentalWarning silenced).
  const raw = openDatabase(join(dir, "scratch.db"));
  await raw.close();
  const { DatabaseSync } = await import("node:sqlite");
  const old = new DatabaseSync(path);
  old.exec("CREATE INDEX operations_by_seq ON operations (execution, seq); PRAGMA user_version = 1");
  old.close();
  // A report (read only) on the file an older engine wrote reads it as it is, without migrating it.
  const reader = new Store(path, undefined, "read-only");
  expect(reader.meta("k")).toBe("kept");
  expect(reader.db.prepare("PRAGMA user_version").get()).toEqual({ user_version: 1 });
  await reader.close();
  const again = new Store(path);
  expect(again.db.prepare("PRAGMA user_version").get()).toEqual({ user_version: SCHEMA_VERSION });
  expect(again.db.prepare("SELECT name FROM sqlite_master WHERE name = 'operations_by_seq'").get()).toBeUndefined();
  expect(again.meta("k")).toBe("kept");
  await again.close();
});

test("a rolled-back transaction leaves nothing behind", () => {
  const store = new Store(":memory:");
  expect(() =>
    store.transaction(() => {
      store.setMeta("half", "written");
      throw new Error("crash in the middle");
    }),
  ).toThrow("crash in the middle");
  expect(store.meta("half")).toBeUndefined();
});

test("the running executions the store keeps in memory follow rollbacks: a savepoint or transaction undone is undone there too", () => {
  const store = new Store(":memory:");
  const record = {
    arn: "arn:1", functionName: "fn", name: "one", status: "RUNNING" as const, input: null, result: null, error: null, startMs: 1, endMs: null,
    timeoutSeconds: 60, executionOpId: "op", seq: 0, nextOrd: 0, lastEventId: 0, token: "t0", tokenSeq: 0, invocationToken: null,
    deliveredSeq: 0, ready: 0, invocationId: null, invocationStartMs: null, failedAttempts: 0, parentArn: null, parentOpId: null,
  };
  store.transaction(() => store.insertExecution(record));
  store.transaction(() => {
    store.updateExecution("arn:1", { seq: 1, token: "t1" });
    expect(() =>
      store.savepoint(() => {
        store.updateExecution("arn:1", { seq: 2, token: "t2" });
        expect(store.execution("arn:1")).toMatchObject({ seq: 2, token: "t2" });
        throw new Error("refused request");
      }),
    ).toThrow("refused request");
    expect(store.execution("arn:1")).toMatchObject({ seq: 1, token: "t1" });
  });
  expect(() =>
    store.transaction(() => {
      store.updateExecution("arn:1", { seq: 3, token: "t3" });
      throw new Error("crash in the middle");
    }),
  ).toThrow("crash in the middle");
  expect(store.execution("arn:1")).toMatchObject({ seq: 1, token: "t1" });
  // A copy: changing what a caller got changes nothing stored.
  store.execution("arn:1")!.token = "changed by the caller";
  expect(store.execution("arn:1")!.token).toBe("t1");
  store.transaction(() => store.updateExecution("arn:1", { status: "SUCCEEDED", token: null }));
  expect(store.execution("arn:1")).toMatchObject({ status: "SUCCEEDED", token: null, seq: 1 });
});

test("Node older than 22.13 is refused with a message that says what to do", () => {
  expect(() => assertEngineNode("22.12.0")).toThrow(expect.objectContaining({ code: "UD_ENGINE_NODE", message: expect.stringMatching(/needs Node 22\.13\.0 or later.*this is Node 22\.12\.0/) }));
  expect(() => assertEngineNode("20.19.2")).toThrow(/Node 20\.19\.2/);
  expect(() => assertEngineNode("22.13.0")).not.toThrow();
  expect(() => assertEngineNode("24.1.0")).not.toThrow();
});

test("only node:sqlite's ExperimentalWarning is silenced", () => {
  const script = `
    import { openDatabase } from ${JSON.stringify(join(import.meta.dirname, "../engine/store/database.ts"))};
    await openDatabase(":memory:").close();
    process.emitWarning("another experiment", "ExperimentalWarning");
  `;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(run.status).toBe(0);
  expect(run.stderr).not.toMatch(/SQLite/);
  expect(run.stderr).toMatch(/ExperimentalWarning: another experiment/);
});
