import { describe, expect, it } from "vitest";
import { DIRECTIVE_HINT, stripQuery } from "../plugin/module-filter.ts";
import { DEFAULT_CACHE, DEFAULT_EXCLUDE, DEFAULT_INCLUDE, DEFAULT_MANIFEST, PluginOptionsError, resolveOptions } from "../plugin/options.ts";

describe("resolveOptions", () => {
  it("fills every default in one place", () => {
    expect(resolveOptions(null)).toEqual(resolveOptions());
    expect(resolveOptions()).toEqual({
      include: [...DEFAULT_INCLUDE],
      exclude: [...DEFAULT_EXCLUDE],
      root: undefined,
      strict: false,
      steps: [],
      manifest: ".use-durable/manifest.json",
      cache: ".use-durable/cache",
    });
    expect(DEFAULT_MANIFEST).toBe(".use-durable/manifest.json");
    expect(DEFAULT_CACHE).toBe(".use-durable/cache");
  });

  it("default include takes TypeScript and JavaScript modules, node_modules packages too; default exclude drops use-durable itself and virtual ids", () => {
    const included = (id: string) =>
      DEFAULT_INCLUDE.some((r) => r.test(id)) && !DEFAULT_EXCLUDE.some((r) => r.test(id));
    for (const id of ["/p/src/a.ts", "/p/a.mts", "/p/a.cts", "/p/a.tsx", "/p/a.js", "/p/a.mjs", "/p/a.jsx", "/p/node_modules/x/a.ts", "C:\\p\\node_modules\\x\\a.js"]) {
      expect(included(id), id).toBe(true);
    }
    for (const id of ["/p/a.css", "/p/a.json", "/p/node_modules/use-durable/dist/runtime/index.js", "C:\\p\\node_modules\\use-durable\\x.js", "\0virtual.ts"]) {
      expect(included(id), id).toBe(false);
    }
  });

  it("keeps what the user gave, resolving root to an absolute path", () => {
    const resolved = resolveOptions({ include: /src/, exclude: ["**/gen/**"], root: "sub", strict: true, steps: ["lib/steps"], manifest: false, cache: false });
    expect(resolved.include).toEqual([/src/]);
    expect(resolved.exclude).toEqual(["**/gen/**"]);
    expect(resolved.root).toBe(`${process.cwd()}/sub`);
    expect(resolved.strict).toBe(true);
    expect(resolved.steps).toEqual(["lib/steps"]);
    expect(resolved.manifest).toBe(false);
    expect(resolved.cache).toBe(false);
  });

  it.each([
    [{ strictt: true }, /unknown option "strictt"/],
    [{ strict: "yes" }, /"strict" must be true or false/],
    [{ steps: "lib" }, /"steps" must be a list of module specifiers/],
    [{ manifest: "" }, /"manifest" must be a file path or false/],
    [{ cache: true }, /"cache" must be a folder path or false/],
    [{ include: [42] }, /"include" takes RegExps or glob strings, got 42/],
    [{ root: 1 }, /"root" must be a directory path/],
    ["strict", /options must be an object/],
  ])("rejects bad input %j with a coded error that says how to fix it", (bad, message) => {
    let caught: unknown;
    try {
      resolveOptions(bad as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PluginOptionsError);
    expect((caught as PluginOptionsError).code).toBe("UD_PLUGIN_OPTIONS");
    expect((caught as Error).message).toMatch(message);
  });
});

describe("the directive hint", () => {
  const wrap = (text: string) => `export async function f() {\n  ${text}\n  return 1;\n}\n`;
  const reaching = [`"use durable";`, `'use step'`, `"use durabel"`, `"use  durable"`, `"Use Durable"`, `"use_step"`, `"usedurable"`, `"use workflow"`];
  const skipped = [`"use strict";`, `"use server";`, `"use client";`, `const used = "user data";`];

  it.each(reaching)("lets %s reach the compiler", (text) => {
    expect(DIRECTIVE_HINT.test(wrap(text))).toBe(true);
  });
  it.each(skipped)("skips %s", (text) => {
    expect(DIRECTIVE_HINT.test(wrap(text))).toBe(false);
  });
  it("agrees with the compiler's own prefilter, so no module the compiler would diagnose is skipped", async () => {
    const { mayHaveDirective } = await import("../compiler/prefilter.ts");
    for (const text of [...reaching, ...skipped, `import { sleep } from "use-durable";`]) {
      expect(DIRECTIVE_HINT.test(wrap(text)), text).toBe(mayHaveDirective(wrap(text)));
    }
  });
  it("drops queries and hashes from ids", () => {
    expect(stripQuery("/p/a.ts?v=123")).toBe("/p/a.ts");
    expect(stripQuery("/p/a.ts#x")).toBe("/p/a.ts");
    expect(stripQuery("/p/a.ts")).toBe("/p/a.ts");
  });
});
