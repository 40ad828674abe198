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
${helpers(i)}`;
}

// Ordinary application code of the size a real module has (about 60 lines): validation, pricing
// rules, an error class and doc comments. Both kinds of module carry it, so only the directive differs.
function helpers(i: number): string {
  return `
export const Region${i} = { EU: "eu", US: "us", APAC: "apac" } as const;
export type Region${i} = (typeof Region${i})[keyof typeof Region${i}];

export class ValidationError${i} extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(\`\${field}: \${message}\`);
    this.name = "ValidationError${i}";
    this.field = field;
  }
}

/**
 * Checks an address before it is used for shipping; returns the normalised postcode.
 * Throws ValidationError${i} naming the first bad field.
 */
export function validateAddress${i}(address: { street: string; city: string; postcode: string; region: Region${i} }): string {
  if (address.street.trim() === "") throw new ValidationError${i}("street", "must not be empty");
  if (address.city.trim() === "") throw new ValidationError${i}("city", "must not be empty");
  const postcode = address.postcode.replace(/\\s+/g, "").toUpperCase();
  switch (address.region) {
    case Region${i}.EU:
      if (!/^[0-9A-Z]{4,8}$/.test(postcode)) throw new ValidationError${i}("postcode", "is not a European postcode");
      break;
    case Region${i}.US:
      if (!/^[0-9]{5}(-?[0-9]{4})?$/.test(postcode)) throw new ValidationError${i}("postcode", "is not a ZIP code");
      break;
    default:
      if (postcode.length < 3) throw new ValidationError${i}("postcode", "is too short");
  }
  return postcode;
}

/** Discount in cents for a basket: volume tiers, then a cap so a coupon never makes an order free. */
export function discount${i}(cents: number, quantity: number, coupon?: { percent: number; maxCents: number }): number {
  let rate = 0;
  if (quantity >= 100) rate = 0.15;
  else if (quantity >= 20) rate = 0.1;
  else if (quantity >= 5) rate = 0.05;
  let off = Math.round(cents * rate);
  if (coupon) off += Math.min(coupon.maxCents, Math.round((cents - off) * (coupon.percent / 100)));
  return Math.min(off, cents - 1);
}

export function summarize${i}(orders: Array<{ cents: number; region: Region${i} }>): Record<Region${i}, number> {
  const totals: Record<Region${i}, number> = { eu: 0, us: 0, apac: 0 };
  for (const order of orders) totals[order.region] += order.cents;
  return totals;
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
${helpers(i)}`;
}
