/**
 * fast-check generator of durable programs: the source text of a "use durable" module whose
 * `handler` mixes steps, waits, branches, loops (with break / continue), try/catch/finally, early
 * returns, throws, switch, Promise.all / allSettled / race (with async IIFEs, `xs.map(async ...)` and
 * `.then` branches), nested durable functions (declarations, arrows, object methods, static and instance class methods, recursive), closures over loop
 * variables, and steps called every way the dialect allows (declared, object method, `.call`, a
 * callee only known at run time, an inline `step()`, a destructured parameter with a default). Its plain-JS meaning is the same text
 * run with its steps called plainly (compiler-plain-runtime.ts), so every program is written to have
 * one answer whatever the timing: steps are pure functions of their arguments; concurrent branches
 * write only their own locals; a Promise.all branch never fails (a failing one would make the
 * surviving branches' progress a matter of timing); a race is a direct step call against waits of days.
 * It never runs anything.
 */
import fc from "fast-check";

export interface GeneratedProgram {
  source: string;
  input: { seed: number };
}

const HEADER = `import { configureStep, retryPresets, sleep, step } from "use-durable";

async function add(a: number, b: number): Promise<number> {
  "use step";
  return a + b;
}

async function mix(a: number, b: number): Promise<number> {
  "use step";
  return (a * 31 + b) % 1009;
}

async function fail(code: number): Promise<number> {
  "use step";
  throw new Error(\`fail \${code}\`);
}
configureStep(fail, { retryStrategy: retryPresets.noRetry });

async function pair({ a, b }: { a: number; b: number }, scale = 2): Promise<number> {
  "use step";
  return a * scale + b;
}

const ops = {
  async triple(n: number): Promise<number> {
    "use step";
    return n * 3;
  },
};

function box(n: number): typeof ops {
  return n >= 0 ? ops : ops;
}

/** Plain code calling a step: the compiler never sees this call; the step's tag names it at run time. */
async function viaHelper(n: number): Promise<number> {
  return add(n, 1);
}
`;

/** A nested durable function: how it is defined, and the callee text that calls it. */
interface Child {
  index: number;
  throws: boolean;
  form: ChildForm;
  call: string;
}

const CHILD_FORMS = ["declaration", "arrow", "object-method", "static-method", "instance-method"] as const;
type ChildForm = (typeof CHILD_FORMS)[number];

interface Ctx {
  /** Number variables this code may assign. */
  writes: string[];
  /** Number expressions it may read (its writes, loop variables, outer variables). */
  reads: string[];
  canThrow: boolean;
  inLoop: boolean;
  /** Whether `log` is ours to push to (not inside a concurrent branch). */
  log: boolean;
  /** The expression `return` gives back. */
  ret: string;
  /** Nested durable functions this code may call, by index, with whether each may throw. */
  children: Child[];
  depth: number;
}

const MAX_DEPTH = 3;

function readArb(ctx: Ctx): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...ctx.reads), fc.integer({ min: 0, max: 9 }).map(String));
}

function stepCallArb(ctx: Ctx): fc.Arbitrary<string> {
  const r = readArb(ctx);
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom("add", "mix"), r, r).map(([f, a, b]) => `${f}(${a}, ${b})`) },
    fc.tuple(r, r, fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined })).map(([a, b, k]) => `pair({ a: ${a}, b: ${b} }${k === undefined ? "" : `, ${k}`})`),
    r.map((a) => `ops.triple(${a})`),
    fc.tuple(r, r).map(([a, b]) => `add.call(undefined, ${a}, ${b})`),
    // a callee the compiler cannot resolve: dispatched at run time by the step's tag
    fc.tuple(r, r, r).map(([c, a, b]) => `(${c} > 4 ? add : mix)(${a}, ${b})`),
    r.map((a) => `step(async () => ${a} + 1)`),
    // a receiver read once into a temporary, an optional call, plain code calling a step
    fc.tuple(r, r).map(([a, b]) => `box(${a}).triple(${b})`),
    r.map((a) => `ops.triple?.(${a})`),
    r.map((a) => `viaHelper(${a})`),
  );
}

/** A call whose awaited value is a number: a step, a nested durable function, or (where allowed) a failing step. */
function callArb(ctx: Ctx): fc.Arbitrary<string> {
  const options: Array<fc.Arbitrary<string>> = [stepCallArb(ctx)];
  const callable = ctx.children.filter((c) => ctx.canThrow || !c.throws);
  if (callable.length > 0) options.push(fc.tuple(fc.constantFrom(...callable), readArb(ctx)).map(([c, a]) => `${c.call}(${a})`));
  if (ctx.canThrow) options.push(fc.integer({ min: 1, max: 9 }).map((k) => `fail(${k})`));
  return fc.oneof(...options);
}

function blockArb(ctx: Ctx): fc.Arbitrary<string[]> {
  return fc.array(statementArb(ctx), { minLength: 1, maxLength: 3 }).map((ss) => ss.flat());
}

const indent = (lines: string[]) => lines.map((l) => `  ${l}`);

// Arbitraries are immutable: one per context, or building them (a tree as deep as MAX_DEPTH, for
// every generated value under a chain) costs seconds per program.
const statementCache = new Map<string, fc.Arbitrary<string[]>>();

function statementArb(ctx: Ctx): fc.Arbitrary<string[]> {
  const key = JSON.stringify(ctx);
  let arb = statementCache.get(key);
  if (!arb) statementCache.set(key, (arb = buildStatementArb(ctx)));
  return arb;
}

function buildStatementArb(ctx: Ctx): fc.Arbitrary<string[]> {
  const w = fc.constantFrom(...ctx.writes);
  const simple: Array<fc.Arbitrary<string[]>> = [
    fc.tuple(w, callArb(ctx)).map(([v, c]) => [`${v} = await ${c};`]),
    fc.integer({ min: 1, max: 3 }).map((s) => [`await sleep({ seconds: ${s} });`]),
    fc.tuple(w, readArb(ctx)).map(([v, r]) => [`${v} = ${v} + ${r};`]),
  ];
  simple.push(
    fc.tuple(w, callArb(ctx), stepCallArb(ctx)).map(([v, a, b]) => [`${v} = (await ${a}) + (await ${b});`]),
    fc.tuple(w, readArb(ctx), stepCallArb(ctx), callArb(ctx)).map(([v, r, a, b]) => [`${v} = ${r} % 2 === 0 ? await ${a} : await ${b};`]),
  );
  simple.push(
    // an await in a call's arguments, in an object literal, in short-circuits
    fc.tuple(w, stepCallArb(ctx), readArb(ctx)).map(([v, c, r]) => [`${v} = await add(await ${c}, ${r});`]),
    fc.tuple(w, stepCallArb(ctx), readArb(ctx)).map(([v, c, r]) => [`${v} = ${r} > 5 && (await ${c}) > 3 ? ${v} + 1 : (await ${c}) || ${v};`]),
    fc.tuple(w, stepCallArb(ctx)).map(([v, c]) => [`${v} = { value: await ${c} }.value;`]),
  );
  simple.push(
    fc.tuple(w, stepCallArb(ctx), stepCallArb(ctx)).map(([v, a, b]) => [`${v} = \`${"${"}await ${a}}-${"${"}await ${b}}\`.length;`]),
    // an arrow of the durable body, expression-bodied (temporaries need it to grow a block), called later
    fc.tuple(w, stepCallArb({ ...ctx, reads: [...ctx.reads, "q"] }), readArb(ctx)).map(([v, c, r]) => ["{", `  const inner = async (q: number) => (await ${c}) * 2;`, `  ${v} = await inner(${r});`, "}"]),
  );
  if (ctx.writes.length >= 2) {
    const [v0, v1] = ctx.writes as [string, string];
    simple.push(fc.tuple(stepCallArb(ctx)).map(([c]) => [`${v0} = (${v1} = await ${c}, ${v1} + 1);`]));
  }
  if (ctx.writes.length >= 2) {
    const [v0, v1] = ctx.writes as [string, string];
    simple.push(fc.tuple(stepCallArb(ctx), stepCallArb(ctx)).map(([a, b]) => [`[${v0}, ${v1}] = await Promise.all([${a}, ${b}]);`]));
    // arguments with effects on the durable body's variables, evaluated when the array is built
    simple.push(fc.tuple(fc.constantFrom("add", "mix"), fc.constantFrom("add", "mix")).map(([f, g]) => [`${v1} = (await Promise.all([${f}(${v0}++, 1), ${g}(${v0}++, 2)])).reduce((s, x) => s + x, ${v1});`]));
  }
  // Conditions on variables, true about one time in five or seven: a constant one would leave the
  // rest of the block dead code (early returns were, in about half the programs).
  const vars = fc.constantFrom(...ctx.reads);
  if (ctx.canThrow) simple.push(fc.tuple(vars, fc.integer({ min: 0, max: 4 })).map(([r, n]) => [`if (${r} % 5 === ${n}) throw new Error(\`thrown \${${r}}\`);`]));
  if (ctx.log) simple.push(callArb(ctx).map((c) => [`log.push(await ${c});`]));
  if (ctx.inLoop) simple.push(fc.tuple(fc.constantFrom("break", "continue"), vars, fc.integer({ min: 0, max: 2 })).map(([k, r, n]) => [`if (${r} % 3 === ${n}) ${k};`]));
  simple.push(fc.tuple(vars, fc.integer({ min: 0, max: 6 })).map(([r, n]) => [`if (${r} % 7 === ${n}) return ${ctx.ret};`]));
  if (ctx.depth >= MAX_DEPTH) return fc.oneof({ withCrossShrink: true }, ...simple);
  const inner: Ctx = { ...ctx, depth: ctx.depth + 1 };
  const d = ctx.depth;
  const compound: Array<fc.Arbitrary<string[]>> = [
    // if / else on data the program computed
    fc.tuple(readArb(ctx), blockArb(inner), fc.option(blockArb(inner), { nil: undefined })).map(([r, a, b]) => [
      `if (${r} % 2 === 0) {`, ...indent(a), ...(b ? ["} else {", ...indent(b)] : []), "}",
    ]),
    // counted and for-of loops, the loop variable readable
    fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()).chain(([n, forOf]) => {
      const i = `i${d}`;
      const body = blockArb({ ...inner, reads: [...ctx.reads, i], inLoop: true });
      return body.map((b) => [forOf ? `for (const ${i} of [${[...Array(n).keys()].map((k) => k + 1).join(", ")}]) {` : `for (let ${i} = 0; ${i} < ${n}; ${i}++) {`, ...indent(b), "}"]);
    }),
    // a labelled continue out of an inner loop
    fc.tuple(fc.integer({ min: 1, max: 3 }), readArb(ctx), fc.integer({ min: 0, max: 20 })).chain(([n, r, m]) => {
      const i = `o${d}`;
      return blockArb({ ...inner, reads: [...ctx.reads, i], inLoop: true }).map((b) => [
        `outer${d}: for (let ${i} = 0; ${i} < ${n}; ${i}++) {`, `  for (const p of [1, 2]) {`, ...indent(indent(b)), `    if (${r} + p > ${m}) continue outer${d};`, "  }", "}",
      ]);
    }),
    // while / do-while on a counter the condition advances (so `continue` cannot spin)
    fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()).chain(([n, doWhile]) => {
      const i = `w${d}`;
      return blockArb({ ...inner, reads: [...ctx.reads, i], inLoop: true }).map((b) => doWhile
        ? ["{", `  let ${i} = 0;`, "  do {", ...indent(indent(b)), `  } while (++${i} < ${n});`, "}"]
        : ["{", `  let ${i} = 0;`, `  while (${i}++ < ${n}) {`, ...indent(indent(b)), "  }", "}"]);
    }),
    // switch with fall-through, and an awaited step in the condition
    fc.tuple(readArb(ctx), blockArb(inner), blockArb(inner), fc.boolean()).map(([r, a, b, fall]) => [
      `switch (${r} % 3) {`, "  case 0:", ...indent(indent(a)), ...(fall ? [] : ["    break;"]), "  case 1: {", ...indent(indent(b)), "    break;", "  }", "  default:", `    ${ctx.writes[0]} = ${ctx.writes[0]} + 1;`, "}",
    ]),
    fc.tuple(stepCallArb(ctx), blockArb(inner)).map(([c, a]) => [`if ((await ${c}) % 2 === 1) {`, ...indent(a), "}"]),
    // try/catch/finally: anything may throw inside try; the catch reads the error
    fc.tuple(blockArb({ ...inner, canThrow: true }), fc.option(blockArb(inner), { nil: undefined }), fc.option(blockArb(inner), { nil: undefined }), w, fc.boolean()).map(([t, c, f, v, hasCatch]) => [
      "try {", ...indent(t),
      ...(hasCatch || !f ? [`} catch (e${d}) {`, `  ${v} = ${v} + (e${d} as Error).message.length;`, ...(ctx.log ? [`  log.push(\`caught \${(e${d} as Error).message}\`);`] : []), ...indent(c ?? [])] : []),
      ...(f ? ["} finally {", ...indent(f)] : []), "}",
    ]),
    // closures over a loop variable, called later
    fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom("add", "mix"), readArb(ctx), w, fc.boolean()).map(([n, f, r, v, together]) => [
      "{",
      `  const fs${d}: Array<() => Promise<number>> = [];`,
      `  for (let j${d} = 0; j${d} < ${n}; j${d}++) fs${d}.push(() => ${f}(j${d}, ${r}));`,
      together ? `  ${v} = (await Promise.all(fs${d}.map((g) => g()))).reduce((s, x) => s + x, ${v});` : `  for (const g of fs${d}) ${v} = ${v} + (await g());`,
      "}",
    ]),
    concurrencyArb(ctx, inner, w),
  ];
  // Cross-shrinking lets a failing compound statement shrink to a simple one.
  return fc.oneof({ withCrossShrink: true }, { weight: 3, arbitrary: fc.oneof({ withCrossShrink: true }, ...simple) }, { weight: 2, arbitrary: fc.oneof(...compound) });
}

/** A branch of a concurrency form: a call, an async IIFE over its own local, or a wait then a value. */
function branchArb(ctx: Ctx, canThrow: boolean): fc.Arbitrary<string[]> {
  const z = `z${ctx.depth}`;
  const local: Ctx = { ...ctx, writes: [z], reads: [...ctx.reads, z], log: false, inLoop: false, ret: z, canThrow, depth: ctx.depth + 1 };
  return fc.oneof(
    callArb({ ...ctx, canThrow }).map((c) => [c]),
    fc.tuple(readArb(ctx), blockArb(local)).map(([r, b]) => ["(async () => {", `  let ${z} = ${r};`, ...indent(b), `  return ${z};`, "})()"]),
    fc.tuple(fc.integer({ min: 1, max: 2 }), readArb(ctx)).map(([s, r]) => [`sleep({ seconds: ${s} }).then(() => ${r})`]),
    stepCallArb(ctx).map((c) => [`${c}.then((v) => v * 2)`]),
  );
}

function elementsText(branches: string[][]): string[] {
  return branches.flatMap((b, k) => b.map((line, n) => (n === b.length - 1 && k < branches.length - 1 ? `${line},` : line)));
}

function concurrencyArb(ctx: Ctx, inner: Ctx, w: fc.Arbitrary<string>): fc.Arbitrary<string[]> {
  const d = ctx.depth;
  const items = (n: number) => `[${[...Array(n).keys()].map((k) => k + 1).join(", ")}]`;
  const z = `z${d}`;
  return fc.oneof(
    fc.tuple(fc.array(branchArb(inner, false), { minLength: 1, maxLength: 3 }), w).map(([bs, v]) => [
      `${v} = (await Promise.all([`, ...indent(elementsText(bs)), `])).reduce((s, x) => s + x, ${v});`,
    ]),
    fc.tuple(fc.array(branchArb(inner, true), { minLength: 1, maxLength: 3 }), w).map(([bs, v]) => [
      `for (const r of await Promise.allSettled([`, ...indent(elementsText(bs)), `])) ${v} = ${v} + (r.status === "fulfilled" ? r.value : (r.reason as Error).message.length);`,
    ]),
    // The winner is a direct step call: in the plain run, where waits end at once, a call that
    // settles through more promise jobs (an inline step(), a helper returning a step's promise)
    // would lose to the wait's `.then`, which durable time never lets happen.
    fc.tuple(fc.constantFrom("add", "mix"), readArb(ctx), readArb(ctx), fc.integer({ min: 1, max: 2 }), w).map(([f, a, b, losers, v]) => [`${v} = await Promise.race([${f}(${a}, ${b}), ${[...Array(losers).keys()].map((k) => `sleep({ days: ${30 + k} }).then(() => -${k + 1})`).join(", ")}]);`]),
    fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom("add", "mix", "ops.triple", "viaHelper"), w).map(([n, f, v]) => [`${v} = (await Promise.all(${items(n)}.map(${f}))).reduce((s, x) => s + x, ${v});`]),
    fc.tuple(fc.integer({ min: 1, max: 3 }), readArb(ctx), blockArb({ ...inner, writes: [z], reads: [...ctx.reads, z, `k${d}`], log: false, inLoop: false, ret: z, canThrow: true }), w).map(([n, r, b, v]) => [
      `for (const r of await Promise.allSettled(${items(n)}.map(async (k${d}) => {`, `  let ${z} = k${d} + ${r};`, ...indent(b), `  return ${z};`, `}))) ${v} = ${v} + (r.status === "fulfilled" ? r.value : (r.reason as Error).message.length);`,
    ]),
    fc.tuple(fc.integer({ min: 1, max: 3 }), readArb(ctx), blockArb({ ...inner, writes: [z], reads: [...ctx.reads, z, `k${d}`], log: false, inLoop: false, ret: z, canThrow: false }), w).map(([n, r, b, v]) => [
      `${v} = (await Promise.all(${items(n)}.map(async (k${d}) => {`, `  let ${z} = k${d} + ${r};`, ...indent(b), `  return ${z};`, `}))).reduce((s, x) => s + x, ${v});`,
    ]),
  );
}

function childArb(child: Child, later: Child[]): fc.Arbitrary<string> {
  const ctx: Ctx = { writes: ["a", "b"], reads: ["a", "b", "n"], canThrow: child.throws, inLoop: false, log: false, ret: "a + b", children: later, depth: 1 };
  const i = child.index;
  return fc.tuple(blockArb(ctx), fc.constantFrom("plain", "recursive", "unawaited")).map(([body, end]) => {
    const lines = [
      `"use durable";`,
      `let a = n;`,
      `let b = k;`,
      ...(end === "recursive" ? [`if (k < 3 && n % 2 === 0) b = await ${child.call}(n + 1, k + 1);`] : []),
      ...body,
      ...(end === "unawaited" ? ["try {", "  return add(a, b);", "} finally {", "  await sleep({ seconds: 1 });", "}"] : [`return a + b;`]),
    ];
    const signature = `(n: number, k = 1): Promise<number>`;
    switch (child.form) {
      case "declaration":
        return [`async function child${i}${signature} {`, ...indent(lines), "}"].join("\n");
      case "arrow":
        return [`const child${i} = async ${signature} => {`, ...indent(lines), "};"].join("\n");
      case "object-method":
        return [`const flows${i} = {`, `  async child${i}${signature} {`, ...indent(indent(lines)), "  },", "};"].join("\n");
      case "static-method":
      case "instance-method":
        return [`class Flow${i} {`, `  ${child.form === "static-method" ? "static " : ""}async child${i}${signature} {`, ...indent(indent(lines)), "  }", "}"].join("\n");
    }
  });
}

function callOf(index: number, form: ChildForm): string {
  if (form === "object-method") return `flows${index}.child${index}`;
  if (form === "static-method") return `Flow${index}.child${index}`;
  if (form === "instance-method") return `new Flow${index}().child${index}`;
  return `child${index}`;
}

/** A whole module: the steps, up to two nested durable functions, and `handler`. */
export function programArb(): fc.Arbitrary<GeneratedProgram> {
  return fc.array(fc.tuple(fc.boolean(), fc.constantFrom(...CHILD_FORMS)), { maxLength: 2 }).chain((specs) => {
    const children = specs.map(([throws, form], index): Child => ({ index, throws, form, call: callOf(index, form) }));
    // Failures are caught (try, allSettled) below the top level: an uncaught one there would end most
    // programs at their first statements. One in four programs may fail the execution at its end.
    const main: Ctx = { writes: ["x", "y"], reads: ["x", "y"], canThrow: false, inLoop: false, log: true, ret: "{ x, y, log, early: true }", children, depth: 0 };
    return fc.tuple(
      fc.tuple(...children.map((c) => childArb(c, children.filter((later) => later.index > c.index)))),
      fc.array(statementArb(main), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 0, max: 20 }),
      fc.option(fc.constantFrom(...children.filter((c) => c.throws).map((c) => `${c.call}(x)`), "fail(9)"), { freq: 3, nil: undefined }),
    ).map(([childSources, body, seed, failing]) => ({
      input: { seed },
      source: [
        HEADER,
        ...childSources.map((c) => `${c}\n`),
        "export async function handler(input: { seed: number }) {",
        `  "use durable";`,
        "  let x = input.seed;",
        "  let y = 2;",
        "  const log: unknown[] = [];",
        ...indent(body.flat()),
        ...(failing ? [`  if (x % 2 === 0) y = await ${failing};`] : []),
        "  return { x, y, log };",
        "}",
        "",
      ].join("\n"),
    }));
  });
}
