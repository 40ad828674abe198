/**
 * AWS Signature Version 4 for the default client's two requests (header signing, a JSON or empty body),
 * on node:crypto. It is the algorithm @smithy/signature-v4 implements, cut to what these requests use:
 * a path already URI-encoded once (encoded again here, as for every service but S3), a flat query,
 * lower-case headers, no presigning, no chunked or event-stream payloads. `test/runtime-sigv4.test.ts`
 * checks it byte for byte against @smithy/signature-v4, and the fixture server recomputes every
 * signature the way the service does.
 *
 * Owns: the canonical request, the string to sign, the signing key. Never: sends anything or reads the
 * environment.
 */
// Not `import`: see runtime/SPEC.md "Built-in modules".
const { createHash, createHmac } = process.getBuiltinModule("node:crypto");

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignableRequest {
  method: string;
  /** The Host header: host, plus `:port` when it is not the scheme's default. */
  host: string;
  /** Already URI-encoded once (path labels escaped with `escapeUri`). */
  path: string;
  query: Record<string, string>;
  /** Lower-case names; all are signed. */
  headers: Record<string, string>;
  body: string;
}

/** RFC 3986 percent-encoding, as the AWS SDK escapes path labels and query strings. */
export const escapeUri = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export const canonicalQuery = (query: Record<string, string>): string =>
  Object.keys(query)
    .map((k) => [escapeUri(k), escapeUri(query[k]!)])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");

const sha256 = (data: string): string => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data).digest();

// The signing key changes once a day per secret: derived once, not four HMACs per request.
let signingKey: { scope: string; secret: string; key: Buffer } | undefined;

/**
 * The headers to send: the request's own plus host, x-amz-date, x-amz-security-token (with a session
 * token) and authorization.
 */
export function sign(request: SignableRequest, credentials: Credentials, region: string, service: string, now: Date): Record<string, string> {
  const date = now.toISOString().replace(/[-:]|\.\d+/g, ""); // 20260102T030405Z
  const scope = `${date.slice(0, 8)}/${region}/${service}/aws4_request`;
  const headers: Record<string, string> = { ...request.headers, host: request.host, "x-amz-date": date };
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const canonical = [
    request.method,
    escapeUri(request.path).replace(/%2F/g, "/"),
    canonicalQuery(request.query),
    names.map((n) => `${n}:${headers[n]!.replace(/[\r\n]/g, " ").replace(/[ \t]+/g, " ").replace(/^ | $/g, "")}\n`).join(""),
    names.join(";"),
    sha256(request.body),
  ].join("\n");
  if (signingKey?.scope !== scope || signingKey.secret !== credentials.secretAccessKey) {
    let key = hmac(`AWS4${credentials.secretAccessKey}`, scope.slice(0, 8));
    for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
    signingKey = { scope, secret: credentials.secretAccessKey, key };
  }
  const signature = createHmac("sha256", signingKey.key).update(`AWS4-HMAC-SHA256\n${date}\n${scope}\n${sha256(canonical)}`).digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  return headers;
}
