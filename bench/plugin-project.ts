// Generates the benchmark project for bench/plugin.ts: `modules` TypeScript modules of ordinary code,
// every tenth one holding a "use durable" handler with steps, a wait and a fan-out, all imported by one
// entry. Deterministic: the same arguments give the same files.

import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface GeneratedProject {
  dir: string;
  entry: string;
  modules: number;
  durable: number;
}

export function generateProject(dir: string, repo: string, modules = 300, durableEvery = 10): GeneratedProject {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "src"), { recursive: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(repo, join(dir, "node_modules", "use-durable"), "dir");
  let durable = 0;
  let previousPlain: number | undefined;
  const imports: string[] = [];
  for (let i = 0; i < modules; i++) {
    const isDurable = i % durableEvery === durableEvery - 1;
    const name = isDurable ? `flow-${i}` : `module-${i}`;
    writeFileSync(join(dir, "src", `${name}.ts`), isDurable ? durableModule(i) : plainModule(i, previousPlain));
    if (!isDurable) previousPlain = i;
    imports.push(`export * as m${i} from "./${name}.ts";`);
    if (isDurable) durable++;
  }
  const entry = join(dir, "src", "index.ts");
  writeFileSync(entry, `${imports.join("\n")}\n`);
  return { dir, entry, modules, durable };
}

function plainModule(i: number, previousPlain: number | undefined): string {
  const dep =
    previousPlain === undefined
      ? "const previous = (xs: number[]): number => xs.length;\n"
      : `import { total${previousPlain} as previous } from "./module-${previousPlain}.ts";\n`;
  return `${dep}
export interface Item${i} { id: string; cents: number; tags: string[] }

export class Cart${i} {
  readonly #items = new Map<string, Item${i}>();
  add(item: Item${i}): this {
    const existing = this.#items.get(item.id);
    this.#items.set(item.id, existing ? { ...existing, cents: existing.cents + item.cents } : item);
    return this;
  }
  remove(id: string): boolean {
    return this.#items.delete(id);
  }
  get size(): number {
    return this.#items.size;
  }
  list(): Item${i}[] {
    return [...this.#items.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
}

export function total${i}(xs: number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum + previous([${i}]);
}

export function describe${i}(cart: Cart${i}): string {
  const lines = cart.list().map((item) => \`\${item.id}: \${(item.cents / 100).toFixed(2)} [\${item.tags.join(", ")}]\`);
  return ["cart ${i}", ...lines, \`total: \${total${i}(cart.list().map((x) => x.cents))}\`].join("\\n");
}

export async function load${i}(ids: string[], fetchItem: (id: string) => Promise<Item${i}>): Promise<Cart${i}> {
  const cart = new Cart${i}();
  for (const id of ids) cart.add(await fetchItem(id));
  return cart;
}
`;
}

function durableModule(i: number): string {
  return `import { sleep } from "use-durable";

export interface Order${i} { id: string; items: string[]; cents: number }

export async function reserve${i}(items: string[]): Promise<string[]> {
  "use step";
  return items.map((item) => \`reserved:\${item}\`);
}

export async function charge${i}(order: Order${i}): Promise<{ receipt: string }> {
  "use step";
  return { receipt: \`\${order.id}:\${order.cents}\` };
}

export async function ship${i}(item: string): Promise<string> {
  "use step";
  return \`shipped:\${item}\`;
}

export async function handler${i}(order: Order${i}) {
  "use durable";
  const reserved = await reserve${i}(order.items);
  const receipt = await charge${i}(order);
  await sleep({ seconds: 30 });
  const shipped = await Promise.all(order.items.map((item) => ship${i}(item)));
  if (shipped.length !== reserved.length) {
    return { status: "partial", receipt, shipped };
  }
  return { status: "shipped", receipt, shipped };
}
`;
}
