/**
 * Checks a request's SigV4 signature the way the service does: from the request as it arrived (method,
 * raw path, query, the headers its SignedHeaders names, body) and the caller's known secret, recompute
 * the signature with an independent implementation (@smithy/signature-v4, the AWS SDK's own signer) and
 * compare it, the scope (access key, date, region, service) included. For fixture-server.ts.
 */
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash, createHmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const bytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === "string" ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

/** The Checksum @smithy/signature-v4 expects, over node:crypto. */
class Sha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {}
}

/** Undefined when the signature is right; otherwise what is wrong, as the service would say it. */
export async function signatureProblem(
  request: { method: string; rawUrl: string; headers: IncomingHttpHeaders; body: string },
  credentials: TestCredentials,
  region: string,
): Promise<string | undefined> {
  const auth = request.headers.authorization;
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth ?? "");
  if (!m) return `Authorization header missing or malformed: ${auth}`;
  const [, keyId, day, scopeRegion, service, signedHeaders, signature] = m as unknown as string[];
  if (keyId !== credentials.accessKeyId) return `The security token included in the request is invalid (access key ${keyId}).`;
  if (scopeRegion !== region || service !== "lambda") return `Credential should be scoped to a valid region and service lambda, not '${scopeRegion}/${service}'.`;
  const amzDate = String(request.headers["x-amz-date"] ?? "");
  if (!amzDate.startsWith(day!)) return `Date in Credential scope does not match x-amz-date ${amzDate}.`;
  const names = signedHeaders!.split(";");
  for (const required of ["host", "x-amz-date", ...(credentials.sessionToken ? ["x-amz-security-token"] : [])]) {
    if (!names.includes(required)) return `'${required}' must be a signed header.`;
  }
  if (credentials.sessionToken && request.headers["x-amz-security-token"] !== credentials.sessionToken) return "The security token included in the request is invalid.";
  const [path, search = ""] = request.rawUrl.split("?") as [string, string?];
  const headers: Record<string, string> = {};
  for (const name of names) headers[name] = String(request.headers[name] ?? "");
  const signer = new SignatureV4({ credentials, region, service: "lambda", sha256: Sha256, applyChecksum: false });
  const when = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const signed = await signer.sign(
    { method: request.method, protocol: "http:", hostname: headers.host ?? "", path, query: Object.fromEntries(new URLSearchParams(search)), headers, body: request.body },
    { signingDate: when },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1];
  const expectedHeaders = /SignedHeaders=([^,]+)/.exec(String(signed.headers.authorization))?.[1];
  if (expectedHeaders !== signedHeaders) return `Signed headers ${signedHeaders} are not what was sent (${expectedHeaders}).`;
  if (expected !== signature) return "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.";
  return undefined;
}
