/**
 * Payload previews (official SDK 2.4 `buildPreview`): a small, redacted view of a value to keep
 * beside a pointer (the file-system serdes puts it in the checkpoint), so the history stays
 * readable without the payload and without its secrets. Fields are chosen by name anywhere in the
 * tree (ANYWHERE) or by dot path from the root (PATH): INCLUDE_ALL keeps every field but
 * `exclude`, EXCLUDE_ALL keeps only `include`; `mask` shows a field as "***"; `exclude` always
 * wins. The result mirrors the value's nesting (array elements are merged into one object, as in
 * the official SDK), stops adding fields at `maxPreviewBytes` (4096), and is undefined when empty.
 */
export const FieldMatchMode = {
  /** Match the field name at any depth (default). */
  ANYWHERE: "ANYWHERE",
  /** Match the exact dot path from the root ("email" is only the top-level field). */
  PATH: "PATH",
} as const;
export type FieldMatchMode = (typeof FieldMatchMode)[keyof typeof FieldMatchMode];

export const PreviewMode = {
  /** Every field, then `exclude` and `mask`. */
  INCLUDE_ALL: "INCLUDE_ALL",
  /** No field, then `include` and `mask`. */
  EXCLUDE_ALL: "EXCLUDE_ALL",
} as const;
export type PreviewMode = (typeof PreviewMode)[keyof typeof PreviewMode];

export interface PreviewField {
  name: string;
  /** @default FieldMatchMode.ANYWHERE */
  match?: FieldMatchMode;
}

export interface PreviewConfig {
  mode: PreviewMode;
  include?: PreviewField[];
  exclude?: PreviewField[];
  mask?: PreviewField[];
  /** @default "***" */
  maskString?: string;
  /** @default 4096 */
  maxPreviewBytes?: number;
}

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function matches(path: string, fields: PreviewField[] | undefined): boolean {
  return fields?.some((f) => ((f.match ?? FieldMatchMode.ANYWHERE) === FieldMatchMode.PATH ? path === f.name : path.split(".").includes(f.name))) ?? false;
}

export function buildPreview(value: any, config: PreviewConfig): Record<string, unknown> | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const pairs: Array<[string, unknown]> = [];
  const collect = (node: unknown, prefix: string): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const element of node) collect(element, prefix);
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      // A dot in a name cannot be told from a path separator; such fields are left out.
      if (UNSAFE_KEYS.has(key) || key.includes(".")) continue;
      const path = prefix ? `${prefix}.${key}` : key;
      const masked = matches(path, config.mask);
      const excluded = matches(path, config.exclude);
      const visible = !excluded && (masked || config.mode === PreviewMode.INCLUDE_ALL || matches(path, config.include));
      if (!visible) {
        // An excluded field hides everything under it; one not chosen may hold chosen fields.
        if (!excluded) collect(child, path);
      } else if (masked) pairs.push([path, config.maskString ?? "***"]);
      else if (child !== null && typeof child === "object") collect(child, path);
      else pairs.push([path, child]);
    }
  };
  collect(value, "");
  const max = config.maxPreviewBytes ?? 4096;
  const result: Record<string, unknown> = {};
  let bytes = 2; // "{}"
  let kept = 0;
  for (const [path, leaf] of pairs) {
    bytes += Buffer.byteLength(`"${path}":${JSON.stringify(leaf)},`);
    if (bytes > max) break;
    const keys = path.split(".");
    const last = keys.pop()!;
    let node = result;
    for (const key of keys) {
      if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[last] = leaf;
    kept++;
  }
  return kept > 0 ? result : undefined;
}
