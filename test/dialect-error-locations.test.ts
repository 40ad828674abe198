/**
 * Where an operation is, in the runtime's errors (runtime/SPEC.md "Where an operation is in the
 * source"): code compiled from "use durable" by the real esbuild plugin, run under AWS's emulator,
 * ends FAILED with a message naming the operation and its file:line:col in the user's source, for
 * a step result the serdes cannot carry, invalid sleep durations (the intrinsic's own check and the
 * ctx check it reaches), and a non-determinism error after the code changed. Hand-written ctx
 * code keeps its messages. Paths are relative to the project root.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDurableExecution } from "../runtime/index.ts";
import { bundleEsbuild } from "./plugin-bundle-esbuild.ts";
import { REPO } from "./plugin-bundle.ts";
import { runOnEmulator, startEmulator, stopEmulator, type LambdaHandler } from "./support/emulator.ts";

const project = join(REPO, ".tmp", `errloc-${process.pid}`);

// Each source's line numbers are asserted below: keep the two in step.
const sources: Record<string, string> = {
  "src/order.ts": `import { sleep } from "use-durable";

async function makeReceipt(id: string) {
  "use step";
  return { id, print: () => id };
}

export async function unserializable(input: { id: string }) {
  "use durable";
  const receipt = await makeReceipt(input.id);
  return receipt.id;
}

export async function badDurationString() {
  "use durable";
  await sleep("soon");
}

export async function badDurationObject(input: { minutes: string }) {
  "use durable";
  await sleep({ minutes: Number(input.minutes) });
}

export async function badDate() {
  "use durable";
  await sleep(new Date("not a date"));
}
`,
  "src/v1.ts": `import { createCallback } from "use-durable";

async function charge(n: number) {
  "use step";
  return n;
}

export async function handler() {
  "use durable";
  const [approved] = await createCallback({ timeout: { hours: 1 } });
  await approved;
  return charge(1);
}
`,
  "src/v2.ts": `import { createCallback } from "use-durable";

async function reserve(n: number) {
  "use step";
  return n;
}

export async function handler() {
  "use durable";
  await reserve(1);
  const [approved] = await createCallback({ timeout: { hours: 1 } });
  await approved;
  return 1;
}
`,
  "src/lib.ts": `// Plain code the compiler never sees: it calls the step it is given.
export async function each<T, R>(xs: T[], fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const x of xs) out.push(await fn(x));
  return out;
}
`,
  "src/nested.ts": `import { each } from "./lib.ts";

async function charge(n: number) {
  "use step";
  return n > 1 ? { n, later: () => n } : n;
}

export async function twice() {
  "use durable";
  await charge(1);
  return charge(2);
}

async function inner(n: number) {
  "use durable";
  return charge(n);
}

export async function nested() {
  "use durable";
  await charge(1);
  return Promise.all([inner(2)]);
}

export async function byLibrary() {
  "use durable";
  return each([2], charge);
}

export async function inBranch() {
  "use durable";
  return Promise.all([charge(1), charge(2)]);
}
`,
  "src/entry.ts": `export { unserializable, badDurationString, badDurationObject, badDate } from "./order.ts";
export { twice, nested, byLibrary, inBranch } from "./nested.ts";
export { handler as v1 } from "./v1.ts";
export { handler as v2 } from "./v2.ts";
`,
};

let mod: Record<string, LambdaHandler>;

beforeAll(async () => {
  rmSync(project, { recursive: true, force: true });
  mkdirSync(join(project, "src"), { recursive: true });
  mkdirSync(join(project, "node_modules"));
  symlinkSync(REPO, join(project, "node_modules", "use-durable"), "dir");
  writeFileSync(join(project, "package.json"), `${JSON.stringify({ name: "errloc", private: true, type: "module" })}\n`);
  for (const [file, text] of Object.entries(sources)) writeFileSync(join(project, file), text);
  const outfile = join(project, "dist", "entry.mjs");
  const outcome = await bundleEsbuild({ project, entry: "src/entry.ts", outDir: "dist", plugin: { cache: false, manifest: false } }, join(project, "src/entry.ts"), outfile);
  expect(outcome.errors).toEqual([]);
  mod = (await import(pathToFileURL(outfile).href)) as Record<string, LambdaHandler>;
  await startEmulator();
}, 120_000);

afterAll(async () => {
  await stopEmulator();
  rmSync(project, { recursive: true, force: true });
});

describe("runtime errors in compiled code say where the operation is", () => {
  it("a step result the serdes cannot carry: the step's name and its call site", async () => {
    const run = await runOnEmulator(mod.unserializable!, { payload: { id: "r-1" } });
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorType).toBe("SerdesError");
    expect(run.error?.errorMessage).toMatch(/Could not serialize the value of Step "makeReceipt" \(#1\)/);
    expect(run.error?.errorMessage).toMatch(/ \(at src\/order\.ts:10:25\)$/);
    expect(JSON.parse(run.error?.errorData ?? "{}")).toEqual({ location: "src/order.ts:10:25" });
  });

  it("an invalid duration string: the sleep's name and its call site", async () => {
    const run = await runOnEmulator(mod.badDurationString!);
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorMessage).toMatch(/^sleep "sleep": "soon" is not a duration\. .* \(at src\/order\.ts:16:9\)$/);
  });

  it("an invalid duration object (NaN minutes): named as NaN, with the call site", async () => {
    const run = await runOnEmulator(mod.badDurationObject!, { payload: { minutes: "many" } });
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorMessage).toMatch(/^wait "sleep": minutes must be a finite number >= 0, got NaN\. .* \(at src\/order\.ts:21:9\)$/);
  });

  it("an invalid Date to sleep until: what, how to fix, and the call site", async () => {
    const run = await runOnEmulator(mod.badDate!);
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorMessage).toBe('sleep "sleep": the Date to sleep until is invalid. Pass a valid Date, a duration string such as "5m", or milliseconds. (at src/order.ts:26:9)');
  });

  it("non-determinism after the code changed: the recorded operation, and the call the code now makes, with their sites", async () => {
    let version: 1 | 2 = 1;
    const handler: LambdaHandler = (event, context) => (version === 1 ? mod.v1! : mod.v2!)(event, context);
    const run = await runOnEmulator(handler, {
      hooks: [{ name: "createCallback", act: (op) => {
        version = 2;
        return op.sendCallbackSuccess("yes");
      } }],
    });
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorType).toBe("NonDeterministicExecutionError");
    const message = run.error?.errorMessage ?? "";
    expect(message).toContain('at operation "createCallback" (#1) (now called at src/v2.ts:11:28)');
    expect(message).toContain('but the code now calls STEP Step "reserve" at src/v2.ts:10:9 (type "STEP")');
    expect(JSON.parse(run.error?.errorData ?? "{}")).toEqual({ location: "src/v2.ts:10:9" });
  });

  it("the k-th call to a callee (charge#2) is located at that call, not the first", async () => {
    const run = await runOnEmulator(mod.twice!);
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorMessage).toMatch(/^Could not serialize the value of Step "charge#2" \(#2\): .* \(at src\/nested\.ts:11:10\)$/);
  });

  it("inside a durable function called from a Promise.all branch, the callee's own table applies", async () => {
    const run = await runOnEmulator(mod.nested!);
    expect(run.status).toBe("FAILED");
    // inner's "charge" (line 16), not nested's "charge" (line 21).
    expect(run.error?.errorMessage).toMatch(/^Could not serialize the value of Step "charge" \(#2-1-1-1\): .* \(at src\/nested\.ts:16:10\)$/);
  });

  it("a call in a Promise.all branch (its own child context) is found in the enclosing function's table", async () => {
    const run = await runOnEmulator(mod.inBranch!);
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorMessage).toMatch(/^Could not serialize the value of Step "charge#2" \(#1-2-1\): .* \(at src\/nested\.ts:32:34\)$/);
  });

  it("a step named at run time (called by a library) is located at its definition", async () => {
    const run = await runOnEmulator(mod.byLibrary!);
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorMessage).toMatch(/^Could not serialize the value of Step "charge" \(#1\): .* \(defined at src\/nested\.ts:3:1\)$/);
    expect(JSON.parse(run.error?.errorData ?? "{}")).toEqual({ location: "src/nested.ts:3:1" });
  });

  it("hand-written ctx code has no table: the message is as before", async () => {
    const run = await runOnEmulator(withDurableExecution(async (_event, ctx) => {
      await ctx.wait("pause", { seconds: Number.NaN });
    }));
    expect(run.status).toBe("FAILED");
    expect(run.error?.errorMessage).toMatch(/^wait "pause": seconds must be a finite number >= 0, got NaN\. Pass an object such as \{ seconds: 30 \} or \{ minutes: 5 \} \(units: days, hours, minutes, seconds\)\.$/);
    expect(run.error?.errorData).toBeUndefined();
  });
});
