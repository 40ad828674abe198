/**
 * `as const` enums whose values are their keys (the wire's enum strings), written once:
 * `stringEnum("START", "FAIL")` is `{ START: "START", FAIL: "FAIL" }` with literal types. The
 * runtime ships in every Lambda, so each key is spelled once in the bundle, not twice.
 */
export function stringEnum<const K extends string>(...keys: K[]): { readonly [P in K]: P } {
  return prefixedEnum("", ...keys) as { readonly [P in K]: P };
}

/** `prefixedEnum("UD_", "INVALID_EVENT")` is `{ INVALID_EVENT: "UD_INVALID_EVENT" }`. */
export function prefixedEnum<const P extends string, const K extends string>(prefix: P, ...keys: K[]): { readonly [Q in K]: `${P}${Q}` } {
  const out: Record<string, string> = {};
  for (const key of keys) out[key] = prefix + key;
  return out as { readonly [Q in K]: `${P}${Q}` };
}
