// runtime/protocol/sigv4.ts against the AWS SDK's own signer (@smithy/signature-v4): for any request the
// default client can send (any ARN in the path, any token in the query, any JSON body, any region,
// credentials with or without a session token, any date), both sign it to the same Authorization header.
import { SignatureV4 } from "@smithy/signature-v4";
import fc from "fast-check";
import { createHash, createHmac } from "node:crypto";
import { expect, it } from "vitest";
import { escapeUri, sign } from "../runtime/protocol/sigv4.ts";

const bytes = (d: string | ArrayBuffer | ArrayBufferView) => (typeof d === "string" ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));
class Sha256 {
  readonly #h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#h = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(d: string | ArrayBuffer | ArrayBufferView): void {
    this.#h.update(bytes(d));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#h.digest());
  }
  reset(): void {}
}

const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 });
const request = fc.record({
  post: fc.boolean(),
  arn: text.map((t) => `arn:aws:lambda:us-east-1:123456789012:function:${t}`), // an ARN is one path segment, never "." or ".."
  action: fc.constantFrom("checkpoint", "state"),
  // Keys that are prefixes of each other, and ones that need escaping, test the canonical order.
  query: fc.dictionary(fc.constantFrom("CheckpointToken", "Marker", "MaxItems", "Max", "M", "a b", "a", "ü", "a,b"), text, { maxKeys: 5 }),
  body: fc.string({ unit: "grapheme", maxLength: 200 }),
  region: fc.constantFrom("us-east-1", "eu-central-1", "cn-north-1", "us-gov-west-1"),
  host: fc.constantFrom("lambda.us-east-1.amazonaws.com", "127.0.0.1:4010", "localhost:9001"),
  accessKeyId: fc.stringMatching(/^[A-Z0-9]{16,20}$/),
  secretAccessKey: fc.string({ minLength: 1, maxLength: 40 }),
  // Header values are normalised before signing (runs of spaces and tabs, line breaks): any text tests it.
  sessionToken: fc.option(fc.string({ unit: fc.constantFrom("a", "B", "=", " ", "  ", "\t", "\u00a0", "\r\n", "/"), minLength: 1, maxLength: 30 }), { nil: undefined }),
  date: fc.date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true }),
});

it("signs every request as @smithy/signature-v4 does", async () => {
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const method = r.post ? "POST" : "GET";
      const path = `/2025-12-01/durable-executions/${escapeUri(r.arn)}/${r.action}`;
      const headers: Record<string, string> = r.post ? { "content-type": "application/json" } : {};
      const body = r.post ? r.body : "";
      const credentials = { accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey, ...(r.sessionToken ? { sessionToken: r.sessionToken } : {}) };
      const ours = sign({ method, host: r.host, path, query: r.query, headers, body }, credentials, r.region, "lambda", r.date);
      const signer = new SignatureV4({ credentials, region: r.region, service: "lambda", sha256: Sha256, applyChecksum: false });
      const theirs = await signer.sign(
        { method, protocol: "https:", hostname: r.host, path, query: { ...r.query }, headers: { ...headers, host: r.host }, body },
        { signingDate: r.date },
      );
      expect(ours.authorization).toBe(theirs.headers.authorization);
      expect(ours["x-amz-date"]).toBe(theirs.headers["x-amz-date"]);
    }),
    { numRuns: 300 },
  );
});

it("derives the signing key again when the day or the secret changes", () => {
  const request = { method: "GET", host: "h", path: "/p", query: {}, headers: {}, body: "" };
  const one = sign(request, { accessKeyId: "A", secretAccessKey: "s1" }, "us-east-1", "lambda", new Date("2026-01-01T10:00:00Z"));
  const nextDay = sign(request, { accessKeyId: "A", secretAccessKey: "s1" }, "us-east-1", "lambda", new Date("2026-01-02T10:00:00Z"));
  const otherSecret = sign(request, { accessKeyId: "A", secretAccessKey: "s2" }, "us-east-1", "lambda", new Date("2026-01-02T10:00:00Z"));
  expect(new Set([one.authorization, nextDay.authorization, otherSecret.authorization]).size).toBe(3);
});
