/**
 * Who may talk to the UI server: the Host header must name the address it listens on (a page that
 * rebinds its own DNS name to 127.0.0.1 sends its own name and is refused), and a mutating request
 * must carry the run's token in a header, from the UI's own origin, as JSON. It decides; it never
 * answers or reads a body itself. `dev`'s registration route on the engine's API uses it too, with
 * its own secret.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const TOKEN_HEADER = "x-use-durable-token";

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export class Guard {
  readonly token: string;
  private readonly where: string;
  private hosts = new Set<string>();
  private origins = new Set<string>();

  /** `where`: where a caller that may call finds the token (said when it is missing). */
  constructor(token: string, where = "the page has the token") {
    this.token = token;
    this.where = where;
  }

  /** Called once the port is known. */
  listening(host: string, port: number): void {
    const names = host === "127.0.0.1" || host === "localhost" ? ["127.0.0.1", "localhost"] : host.includes(":") ? [`[${host}]`] : [host];
    for (const name of names) {
      this.hosts.add(`${name}:${port}`);
      this.origins.add(`http://${name}:${port}`);
    }
  }

  /** A reason to refuse with 403, or undefined. */
  check(request: IncomingMessage): string | undefined {
    const host = request.headers.host;
    if (host === undefined || !this.hosts.has(host.toLowerCase())) return `Host ${JSON.stringify(host ?? "")} is not this server's address`;
    if (request.method === "GET" || request.method === "HEAD") return undefined;
    const origin = request.headers.origin;
    if (origin !== undefined && !this.origins.has(origin.toLowerCase())) return `Origin ${origin} may not change executions`;
    const given = request.headers[TOKEN_HEADER];
    if (typeof given !== "string" || !sameSecret(given, this.token)) return `missing or wrong ${TOKEN_HEADER} header (${this.where})`;
    if (!(request.headers["content-type"] ?? "").startsWith("application/json")) return "the body must be application/json";
    return undefined;
  }
}

function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
