// A compile error: the directive is misspelt, so the build must fail and say where and how to fix it.
export async function handler(event: { n: number }) {
  "use durabel";
  return event.n;
}
