// Step functions in their own module: the durable handler imports them, so the compiler resolves them
// across modules (and at run time through their tags, whichever bundler wrapped the modules).

export async function price(sku: string, quantity: number): Promise<number> {
  "use step";
  return quantity * (sku.length * 100 + 99);
}

export async function charge(orderId: string, cents: number): Promise<string> {
  "use step";
  return `receipt:${orderId}:${cents}`;
}

export async function failingStep(orderId: string): Promise<never> {
  "use step";
  throw new Error(`payment declined for ${orderId}`); // plugin-bundlers.test.ts finds this line in stack traces
}
