/**
 * A serdes that keeps values on a shared file system (official SDK 2.4 `createFileSystemSerdes`):
 * for payloads over the 256 KiB an operation may checkpoint, or values that should not sit in the
 * execution history. The value is written as JSON to `<basePath>/<execution dir>/<entity>.json`
 * and the checkpoint holds an envelope: `{"file": path}` (with `"preview"` when `generatePreview`
 * gives one), or in OVERFLOW mode `{"data": json}` inline while the envelope stays under 255 KiB.
 * The execution dir is `<function>/<execution name>/<invocation id>` from the ARN (URI encoding)
 * or the SHA-256 of the ARN (HASH); the file name is the entity id, URI-encoded or hashed. The
 * same entity id writes the same file, so a retried write replaces it. Use a durable shared mount
 * (EFS, S3 Files), never Lambda's /tmp: a replay may run on another instance.
 */
import type { Serdes, SerdesContext } from "./serdes.ts";
// Not `import`: see runtime/SPEC.md "Built-in modules".
// Marked pure so that a bundle which never uses this serdes drops this module whole.
const crypto = /* @__PURE__ */ process.getBuiltinModule("node:crypto");
const fs = /* @__PURE__ */ process.getBuiltinModule("node:fs/promises");
const path = /* @__PURE__ */ process.getBuiltinModule("node:path");

export const FileSystemSerdesMode = {
  /** Every value goes to a file; the checkpoint holds the pointer. */
  ALWAYS: "ALWAYS",
  /** Inline JSON, and a file only for a value too large to checkpoint. */
  OVERFLOW: "OVERFLOW",
} as const;
export type FileSystemSerdesMode = (typeof FileSystemSerdesMode)[keyof typeof FileSystemSerdesMode];

export const FileSystemPathEncoding = {
  /** Readable names: the ARN's function / execution / invocation, the entity id URI-encoded. */
  URI: "URI",
  /** SHA-256 hex names: fixed length, always safe, not readable. */
  HASH: "HASH",
} as const;
export type FileSystemPathEncoding = (typeof FileSystemPathEncoding)[keyof typeof FileSystemPathEncoding];

export interface FileSystemSerdesConfig {
  /** @default FileSystemSerdesMode.ALWAYS */
  storageMode?: FileSystemSerdesMode;
  /** @default FileSystemPathEncoding.URI */
  pathEncoding?: FileSystemPathEncoding;
  /** A small view kept in the checkpoint beside the pointer, e.g. with buildPreview. */
  generatePreview?: (value: unknown) => Record<string, unknown> | undefined;
}

/** The operation payload limit less 1 KiB for the envelope and the update's other fields. */
const OVERFLOW_BYTES = 256 * 1024 - 1024;
const ARN = /^arn:[^:]*:lambda:[^:]*:[^:]*:function:([^:/]+):[^:/]+\/durable-execution\/([^/]+)\/([^/]+)$/;

function encode(value: string, encoding: FileSystemPathEncoding): string {
  return encoding === FileSystemPathEncoding.HASH ? crypto.createHash("sha256").update(value).digest("hex") : encodeURIComponent(value);
}

function executionDir(basePath: string, arn: string, encoding: FileSystemPathEncoding): string {
  const parts = encoding === FileSystemPathEncoding.URI ? ARN.exec(arn) : null;
  return parts ? path.join(basePath, parts[1]!, parts[2]!, parts[3]!) : path.join(basePath, encode(arn, encoding));
}

export function createFileSystemSerdes(basePath: string, config: FileSystemSerdesConfig = {}): Serdes<any> {
  const mode = config.storageMode ?? FileSystemSerdesMode.ALWAYS;
  const encoding = config.pathEncoding ?? FileSystemPathEncoding.URI;
  const toFile = async (value: unknown, context: SerdesContext): Promise<string> => {
    const dir = executionDir(basePath, context.durableExecutionArn, encoding);
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, `${encode(context.entityId, encoding)}.json`);
    await fs.writeFile(file, JSON.stringify(value), "utf-8");
    const preview = config.generatePreview?.(value);
    return JSON.stringify(preview ? { file, preview } : { file });
  };
  return {
    serialize: async (value, context) => {
      if (value === undefined) return undefined;
      if (mode === FileSystemSerdesMode.ALWAYS) return toFile(value, context);
      const inline = JSON.stringify({ data: JSON.stringify(value) });
      return Buffer.byteLength(inline) > OVERFLOW_BYTES ? toFile(value, context) : inline;
    },
    deserialize: async (data) => {
      if (data === undefined) return undefined;
      const envelope = JSON.parse(data) as { file?: string; data?: string };
      return JSON.parse(envelope.file !== undefined ? await fs.readFile(envelope.file, "utf-8") : envelope.data!);
    },
  };
}
