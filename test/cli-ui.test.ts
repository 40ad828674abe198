// The web UI of `use-durable dev` in a real headless Chromium, against one engine (in memory,
// skipped time): the list shows a running, a waiting and a failed execution; the checkout example
// (built with esbuild and the plugin, run in a worker) waits for its approval callback, which is
// answered from the page, and its timeline shows the operations nested and in order; mutating
// requests without the token, from another origin or for another Host are refused; payloads with
// markup are shown as text. Screenshots go to .tmp/ui/.
import { mkdirSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BuildManifest } from "../plugin/build-manifest.ts";
import { createEngine, type Engine } from "../engine/index.ts";
import durable from "../plugin/esbuild.ts";
import { withDurableExecution } from "../runtime/index.ts";
import { startUi, type UiServer } from "../cli/ui/index.ts";
import { launchChromium } from "./support/chromium.ts";

const repo = join(import.meta.dirname, "..");
const out = join(repo, ".tmp", "ui");
const shots = join(out, "screenshots");
const XSS = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;

let engine: Engine;
let manifest: BuildManifest;
let ui: UiServer;
let browser: Browser;
let page: Page;
let release: () => void = () => {};
const gate = new Promise<void>((resolve) => (release = resolve));
let releaseReport: () => void = () => {};
const reportGate = new Promise<void>((resolve) => (releaseReport = resolve));
const arns: Record<string, string> = {};

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const manifestFile = join(out, "use-durable.manifest.json");
  await build({
    entryPoints: [join(repo, "examples/checkout.ts")],
    outdir: out,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    conditions: ["source"],
    external: ["@aws-sdk/*"],
    logLevel: "silent",
    plugins: [durable({ root: repo, manifest: manifestFile })],
  });
  manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as BuildManifest;

  engine = await createEngine({ database: ":memory:", clock: "skip" });
  engine.register("checkout", { bundle: join(out, "checkout.mjs"), export: "handler" }, { manifest: manifestFile });
  // Holds its step open until the checkout's callback is answered: while it runs, skipped time stands
  // still, so the approval callback's two-day timeout cannot fire under the test.
  engine.register("import-orders", {
    handler: withDurableExecution(async (_event, ctx) => ctx.step("download", () => gate.then(() => "done"))),
  });
  engine.register("refund", {
    handler: withDurableExecution(async (_event, ctx) =>
      ctx.step("call-bank", async () => {
        throw new Error("bank said no");
      }, { retryStrategy: () => ({ shouldRetry: false }) }),
    ),
  });
  let tries = 0;
  engine.register("flaky", {
    handler: withDurableExecution(async (_event, ctx) =>
      ctx.step("call-partner", async () => {
        if (++tries < 3) throw new Error(`partner busy (try ${tries})`);
        return "ok";
      }, { retryStrategy: () => ({ shouldRetry: true, delay: { seconds: 30 } }) }),
    ),
  });
  engine.register("nightly-report", {
    handler: withDurableExecution(async (_event, ctx) => ctx.step("render", () => reportGate.then(() => "done"))),
  });
  engine.register("echo", {
    handler: withDurableExecution(async (event: { text: string }, ctx) => ctx.step(`shout <img src=x onerror="globalThis.__pwned = 3">`, async () => ({ shouted: event.text, big: "x".repeat(5000) }))),
  });

  arns.running = engine.start("import-orders", { executionName: "import-1" }).arn;
  arns.failed = engine.start("refund", { executionName: "refund-7" }).arn;
  arns.echo = engine.start("echo", { executionName: "echo-1", payload: { text: XSS } }).arn;
  await engine.waitFor(arns.failed);
  await engine.waitFor(arns.echo);
  const order = { id: "ord-1042", card: "4242424242424242", totalCents: 250_000, items: [{ sku: "desk", quantity: 1 }, { sku: "lamp", quantity: 2 }] };
  arns.checkout = engine.start("checkout", { executionName: "ord-1042", payload: order }).arn;

  ui = await startUi({ engine, manifests: (name) => (name === "checkout" ? manifest : undefined) });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
});

afterAll(async () => {
  release();
  releaseReport();
  await browser?.close();
  await ui?.close();
  await engine?.close();
});

const row = (name: string) => page.locator("table.list tr", { hasText: name });

test("the list shows a running, a waiting and a failed execution, filters them, and updates live", async () => {
  await page.goto(ui.url);
  await expect.poll(() => row("ord-1042").textContent()).toContain("waiting");
  expect(await row("import-1").textContent()).toContain("RUNNING");
  expect(await row("import-1").textContent()).not.toContain("waiting");
  expect(await row("refund-7").textContent()).toContain("FAILED");
  expect(await row("ord-1042").textContent()).toContain("checkout");
  await page.screenshot({ path: join(shots, "list.png") });

  await page.selectOption('select[aria-label="status"]', "FAILED");
  await expect.poll(() => page.locator("table.list tbody tr").count()).toBe(1);
  expect(await row("refund-7").count()).toBe(1);
  await page.selectOption('select[aria-label="status"]', "");
  await page.selectOption('select[aria-label="function"]', "echo");
  await expect.poll(() => page.locator("table.list tbody tr").count()).toBe(1);
  await page.selectOption('select[aria-label="function"]', "");

  // A new execution appears without a reload.
  const url = page.url();
  engine.start("echo", { executionName: "echo-live", payload: { text: "hi" } });
  await expect.poll(() => row("echo-live").count()).toBe(1);
  expect(page.url()).toBe(url);
});

test("a pending callback answered from the page completes the checkout; its timeline is nested and in order", async () => {
  await page.goto(ui.url);
  await row("ord-1042").locator("a").click();
  const callbackRow = page.locator(".row", { has: page.locator(".t", { hasText: /^callback$/ }) });
  await expect.poll(() => callbackRow.count()).toBe(1);
  // Pending: the callback's bar is striped up to now.
  expect(await callbackRow.locator(".bar.pending").count()).toBe(1);
  await callbackRow.click();
  expect(await page.locator("#stop").count()).toBe(1);
  await page.fill("#callback-payload", '"approved"');
  await page.screenshot({ path: join(shots, "callback.png") });
  await page.click("#callback-succeed");
  // Charged and sleeping: then the held execution ends and skipped time jumps over the hour.
  await expect.poll(() => page.locator(".row", { hasText: "wait" }).count()).toBeGreaterThan(0);
  release();
  await expect.poll(() => page.locator("h1 + .meta .badge").textContent(), { timeout: 30_000 }).toBe("SUCCEEDED");

  await page.screenshot({ path: join(shots, "checkout.png"), fullPage: true });
  const rows = await page.locator(".row").evaluateAll((nodes) =>
    nodes.map((n) => {
      // This callback runs in the page; the suite's TypeScript has no DOM library.
      const el = n as unknown as { dataset: Record<string, string>; querySelector(selector: string): { textContent: string } | null };
      return `${"  ".repeat(Number(el.dataset.depth))}${el.querySelector(".label [title]")!.textContent} ${el.dataset.type} ${el.querySelector(".badge")!.textContent}`;
    }),
  );
  // Creation order, each operation under its parent: the approval's submitter and callback inside
  // waitForCallback, one map iteration per item inside Promise.all, each shipment inside its iteration.
  expect(rows).toEqual([
    "reserveStock STEP SUCCEEDED",
    "waitForCallback CONTEXT SUCCEEDED",
    "  (callback) CALLBACK SUCCEEDED",
    "  (step) STEP SUCCEEDED",
    "chargeCard STEP SUCCEEDED",
    "sleep WAIT SUCCEEDED",
    "Promise.all CONTEXT SUCCEEDED",
    "  map-item-0 CONTEXT SUCCEEDED",
    "    shipItem STEP SUCCEEDED",
    "  map-item-1 CONTEXT SUCCEEDED",
    "    shipItem STEP SUCCEEDED",
  ]);

  // Source locations come from the manifest.
  await page.locator(".row", { hasText: "chargeCard" }).click();
  const site = Object.values(manifest.modules.find((m) => m.file === "examples/checkout.ts")!.names).find((loc) => loc.startsWith("examples/checkout.ts:16:"));
  expect(site).toBeDefined();
  expect(await page.locator("#panel dd", { hasText: "examples/" }).textContent()).toBe(site);
  await page.screenshot({ path: join(shots, "checkout.png"), fullPage: true });
  expect((await engine.waitFor(arns.checkout!)).Status).toBe("SUCCEEDED");
});

test("payloads are shown as text, pretty, large ones collapsed; errors are shown", async () => {
  await page.goto(`${ui.url}#/execution/${encodeURIComponent(arns.echo!)}`);
  await page.locator(".row", { hasText: "shout" }).click();
  const panel = await page.locator("#panel").innerText();
  expect(panel).toContain("Result");
  expect(await page.locator("#panel details summary").textContent()).toMatch(/collapsed/);
  expect(await page.locator("#panel pre").textContent()).toContain(`"shouted": ${JSON.stringify(XSS)}`);
  await page.goto(`${ui.url}#/execution/${encodeURIComponent(arns.echo!)}`);
  expect(await page.locator("#panel").textContent()).toContain("window.__pwned = 1");
  expect(await page.locator(".timeline .label [title]").first().textContent()).toBe(`shout <img src=x onerror="globalThis.__pwned = 3">`);
  expect(await page.locator("#app script, #app img").count()).toBe(0);
  expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();

  await page.goto(`${ui.url}#/execution/${encodeURIComponent(arns.failed!)}`);
  await page.locator(".row", { hasText: "call-bank" }).click();
  expect(await page.locator("#panel").textContent()).toContain("bank said no");
});

test("a retried step shows one segment per attempt, the backoff between them, and its attempt count", async () => {
  const arn = engine.start("flaky", { executionName: "flaky-1" }).arn;
  expect((await engine.waitFor(arn)).Status).toBe("SUCCEEDED");
  await page.goto(`${ui.url}#/execution/${encodeURIComponent(arn)}`);
  const step = page.locator(".row", { hasText: "call-partner" });
  await step.click();
  expect(await step.locator(".bar.failed").count()).toBe(2);
  expect(await step.locator(".bar.succeeded").count()).toBe(1);
  expect(await step.locator(".bar.gap").count()).toBe(2);
  expect(await page.locator("#panel dd").nth(3).textContent()).toBe("3");
  await page.screenshot({ path: join(shots, "retries.png") });
});

function post(path: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: string }> {
  const url = new URL(path, ui.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

test("mutations need the run's token, the UI's origin and its Host; the page's own requests pass", async () => {
  const target = engine.start("echo", { executionName: "echo-guard", payload: { text: "x" } }).arn;
  await engine.waitFor(target);
  const waiting = engine.start("nightly-report", { executionName: "report-1" }).arn;
  await expect.poll(() => engine.store.operations(waiting).some((r) => r.operation.Type === "STEP")).toBe(true);

  const none = await post("/api/stop", {}, { arn: waiting });
  expect(none.status).toBe(403);
  expect(none.body).toContain("x-use-durable-token");
  expect((await post("/api/stop", { "x-use-durable-token": "wrong" }, { arn: waiting })).status).toBe(403);
  expect((await post("/api/stop", { "x-use-durable-token": ui.token, origin: "https://evil.example" }, { arn: waiting })).status).toBe(403);
  expect((await post("/api/stop", { "x-use-durable-token": ui.token, host: `rebound.example:${new URL(ui.url).port}` }, { arn: waiting })).status).toBe(403);
  // A cross-site page can only send a form or text/plain without a preflight: refused too.
  expect((await post("/api/stop", { "x-use-durable-token": ui.token, "content-type": "text/plain" }, { arn: waiting })).status).toBe(403);
  expect(engine.service.getExecution(waiting).Status).toBe("RUNNING");

  // Stop from the page, which has the token.
  await page.goto(`${ui.url}#/execution/${encodeURIComponent(waiting)}`);
  page.once("dialog", (dialog) => void dialog.accept());
  await page.click("#stop");
  await expect.poll(() => engine.service.getExecution(waiting).Status).toBe("STOPPED");
  await expect.poll(() => page.locator("h1 + .meta .badge").textContent()).toBe("STOPPED");
});
