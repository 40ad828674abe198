/**
 * The language-service plugin as an editor runs it: tsserver (node_modules/typescript/lib/tsserver.js)
 * spawned on a project whose tsconfig names `use-durable/ts-plugin`, driven through its protocol.
 * The open file's semantic diagnostics carry the compiler's UD diagnostics and the type-aware
 * findings (source "use-durable"), TypeScript's own errors stay, and the misspelt directive has a
 * quick fix that names the right directive.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "./plugin-bundle.ts";

const project = join(REPO, ".tmp", "ts-plugin");
const file = join(project, "flow.ts");
const SOURCE = `import { step } from "use-durable";

export async function handler(order: { id: string }) {
  "use durabel";
  return order.id;
}

export async function flow(order: { id: string }) {
  "use durable";
  let total = 0;
  const at = Date.now();
  const when = await step(async () => new Date());
  const n: number = "not a number";
  return { total, at, when, n };
}

export async function load(id: string): Promise<{ id: string; seen: Set<string> }> {
  "use step";
  return { id, seen: new Set() };
}
`;

interface Message {
  type: string;
  request_seq?: number;
  command?: string;
  success?: boolean;
  body?: unknown;
  message?: string;
}

class TsServer {
  readonly #child: ChildProcessWithoutNullStreams;
  #buffer = "";
  #seq = 0;
  readonly #waiting = new Map<number, (m: Message) => void>();

  constructor(cwd: string) {
    this.#child = spawn(process.execPath, [join(REPO, "node_modules/typescript/lib/tsserver.js"), "--allowLocalPluginLoads", "--disableAutomaticTypingAcquisition"], { cwd });
    this.#child.stdout.setEncoding("utf8");
    this.#child.stdout.on("data", (chunk: string) => this.#read(chunk));
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const header = /Content-Length: (\d+)\r\n\r\n/.exec(this.#buffer);
      if (!header) return;
      const start = header.index + header[0].length;
      const length = Number(header[1]);
      if (Buffer.byteLength(this.#buffer.slice(start)) < length) return;
      const bytes = Buffer.from(this.#buffer.slice(start));
      const body = bytes.subarray(0, length).toString("utf8");
      this.#buffer = bytes.subarray(length).toString("utf8");
      const message = JSON.parse(body) as Message;
      if (message.type === "response" && message.request_seq !== undefined) this.#waiting.get(message.request_seq)?.(message);
    }
  }

  request(command: string, args: unknown): Promise<Message> {
    const seq = ++this.#seq;
    return new Promise((resolve) => {
      this.#waiting.set(seq, resolve);
      this.#child.stdin.write(`${JSON.stringify({ seq, type: "request", command, arguments: args })}\n`);
    });
  }

  close(): void {
    this.#child.kill();
  }
}

interface ProtocolDiagnostic {
  start: { line: number; offset: number };
  end: { line: number; offset: number };
  text: string;
  code: number;
  category: string;
  source?: string;
}

let server: TsServer;
beforeAll(() => {
  rmSync(project, { recursive: true, force: true });
  // An install of this checkout as the package is laid out: every top-level entry, and the
  // ts-plugin/ door that `npm run build` copies from cli/ts-plugin/door.
  const installed = join(project, "node_modules", "use-durable");
  mkdirSync(installed, { recursive: true });
  for (const entry of readdirSync(REPO)) if (entry !== "ts-plugin" && entry !== ".tmp") symlinkSync(join(REPO, entry), join(installed, entry));
  symlinkSync(join(REPO, "cli", "ts-plugin", "door"), join(installed, "ts-plugin"), "dir");
  writeFileSync(join(project, "package.json"), `${JSON.stringify({ name: "ts-plugin-project", private: true, type: "module" })}\n`);
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", lib: ["ES2023"], module: "NodeNext", moduleResolution: "NodeNext", customConditions: ["source"], types: [], strict: true, noEmit: true, plugins: [{ name: "use-durable/ts-plugin" }] }, include: ["*.ts"] }, null, 2));
  writeFileSync(file, SOURCE);
  server = new TsServer(project);
});
afterAll(() => server.close());

describe("use-durable/ts-plugin through tsserver's protocol", () => {
  let diagnostics: ProtocolDiagnostic[];

  it("adds use-durable's diagnostics to the file's semantic diagnostics, and keeps TypeScript's", async () => {
    await server.request("open", { file, projectRootPath: project });
    const response = await server.request("semanticDiagnosticsSync", { file });
    expect(response.success, response.message).toBe(true);
    diagnostics = response.body as ProtocolDiagnostic[];
    const ours = diagnostics.filter((d) => d.source === "use-durable").map((d) => `${d.start.line}:${d.start.offset} ${d.category} ${d.text.split(":")[0]}`);
    expect(ours).toEqual([
      "4:3 error UD101",
      "8:23 error UD401",
      "11:14 warning UD201",
      "12:22 error UD401",
      "17:41 error UD401",
    ]);
    // TypeScript's own error is still there.
    expect(diagnostics.some((d) => d.code === 2322 && d.source !== "use-durable")).toBe(true);
    const misspelt = diagnostics.find((d) => d.code === 101)!;
    expect(misspelt.text).toContain('Unknown directive "use durabel". Did you mean "use durable"?');
    expect(misspelt.end).toEqual({ line: 4, offset: 17 });
    expect(diagnostics.find((d) => d.start.line === 17)!.text).toContain("`result.seen: Set<string>` comes back as {}");
  }, 60_000);

  it("offers the quick fix for the misspelt directive", async () => {
    const response = await server.request("getCodeFixes", { file, startLine: 4, startOffset: 3, endLine: 4, endOffset: 17, errorCodes: [101] });
    expect(response.success, response.message).toBe(true);
    expect(response.body).toEqual([
      { fixName: "useDurableDirective", description: 'Change "use durabel" to "use durable"', changes: [{ fileName: file, textChanges: [{ start: { line: 4, offset: 3 }, end: { line: 4, offset: 16 }, newText: '"use durable"' }] }] },
    ]);
  }, 30_000);

  it("updates as the user types: fixing the directive removes UD101", async () => {
    await server.request("change", { file, line: 4, offset: 3, endLine: 4, endOffset: 16, insertString: '"use durable"' });
    const response = await server.request("semanticDiagnosticsSync", { file });
    const codes = (response.body as ProtocolDiagnostic[]).filter((d) => d.source === "use-durable").map((d) => d.code);
    expect(codes).not.toContain(101);
    expect(codes).toContain(201);
  }, 30_000);
});
