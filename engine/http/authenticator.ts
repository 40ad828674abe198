/**
 * Who may call the HTTP API. The engine listens on 127.0.0.1 only, so the default accepts every
 * request, signed (SigV4, with any credentials, as @aws-sdk/client-lambda sends them) or not. The
 * seam is here for a check of SigV4 signatures against known local credentials; an authenticator
 * that refuses answers with the service's error type and message.
 */
import type { IncomingMessage } from "node:http";

export interface AuthenticationRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export type Authenticator = (request: AuthenticationRequest) => { ok: true } | { ok: false; type: string; message: string; status: number };

export const acceptAll: Authenticator = () => ({ ok: true });
