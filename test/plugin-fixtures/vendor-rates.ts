// A library module that cannot carry "use step" (think of a vendored SDK): the `steps` option tells the
// compiler that everything it exports is a step function.
export async function fetchRate(currency: string): Promise<number> {
  return currency === "EUR" ? 108 : 100;
}
