/**
 * compile(): the pipeline for one file. Pre-filter -> parse (positions only) -> directives ->
 * definitions -> durable bodies and step bodies -> temporaries -> import -> map + manifest.
 * Never throws: syntax errors and internal failures come back as diagnostics.
 */
import MagicString, { type SourceMap } from "magic-string";
import { DiagnosticSink, LineIndex, type Diagnostic } from "./diagnostics.ts";
import { scanDirectives } from "./directives.ts";
import { DurableBody } from "./durable-body.ts";
import { emitClassRegistrations } from "./class-registration.ts";
import { emitDefinitions } from "./definitions.ts";
import { emitTemps, type FileContext } from "./file-context.ts";
import { buildManifest, emptyManifest, type Manifest, type StepEntry } from "./manifest.ts";
import { relativeId, resolveOptions, type CompileOptions } from "./options.ts";
import { isAlreadyCompiled, mayHaveDirective } from "./prefilter.ts";
import { normalizeCallee } from "./names.ts";
import { moduleBindings } from "./scope.ts";
import { IMPORT_LINE } from "./specifiers.ts";
import { sitesDeclaration } from "./sites.ts";
import { checkStepBody } from "./step-body.ts";
import { parse } from "./typescript.ts";

export interface CompileResult {
  code: string;
  /** Exact to the character (magic-string's `hires: true` map). */
  map: SourceMap;
  /**
   * The same edits mapped at word boundaries (magic-string's `hires: "boundary"`): exact at every
   * identifier, keyword and punctuation run, a fraction of the size, so a bundler that decodes input
   * maps (esbuild) composes it faster.
   */
  tokenMap: SourceMap;
  manifest: Manifest;
  diagnostics: Diagnostic[];
}

/**
 * The result around `s`. Both maps are built when first read: a caller that only wants the code (or
 * only one of the maps) never pays for the other.
 */
function result(s: MagicString, file: string, manifest: Manifest, diagnostics: Diagnostic[]): CompileResult {
  let map: SourceMap | undefined;
  let tokenMap: SourceMap | undefined;
  return {
    code: s.toString(),
    get map(): SourceMap {
      map ??= s.generateMap({ hires: true, source: file, file, includeContent: true });
      return map;
    },
    get tokenMap(): SourceMap {
      tokenMap ??= s.generateMap({ hires: "boundary", source: file, file, includeContent: true });
      return tokenMap;
    },
    manifest,
    diagnostics,
  };
}

function unchanged(code: string, file: string, diagnostics: Diagnostic[]): CompileResult {
  return result(new MagicString(code), file, emptyManifest(file, diagnostics), diagnostics);
}

export function compile(code: string, id: string, options?: CompileOptions): CompileResult | null {
  if (isAlreadyCompiled(code) || !mayHaveDirective(code)) return null;
  const opts = resolveOptions(options);
  const file = relativeId(id, opts.root);
  const sink = new DiagnosticSink(code, file, opts.strict);
  try {
    return compileParsed(code, id, file, sink, opts);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    sink.report("UD190", `Internal compiler error: ${message}. Please report it with this file.`, 0, 0);
    return unchanged(code, file, sink.list);
  }
}

function compileParsed(code: string, id: string, file: string, sink: DiagnosticSink, opts: ReturnType<typeof resolveOptions>): CompileResult | null {
  const { ts, sourceFile: sf, syntaxErrors } = parse(code, id);
  if (syntaxErrors.length > 0) {
    for (const e of syntaxErrors) {
      const text = ts.flattenDiagnosticMessageText(e.messageText, "\n");
      sink.report("UD100", `Syntax error: ${text}`, e.start, e.start + (e.length || 1));
    }
    return unchanged(code, file, sink.list);
  }
  const scan = scanDirectives(ts, sf, sink);
  if (scan.fns.size === 0) return sink.list.length > 0 ? unchanged(code, file, sink.list) : null;

  const s = new MagicString(code);
  const fc: FileContext = {
    ts, sf, code, file, s, sink,
    resolver: { ts, bindings: moduleBindings(ts, sf, scan.fns), steps: opts.steps, imports: opts.imports },
    fns: scan.fns, temps: new Map(), tempCount: 0, lines: new LineIndex(code),
  };
  emitDefinitions(fc);
  emitClassRegistrations(fc);
  const durable = [];
  const steps: StepEntry[] = [];
  for (const info of scan.fns.values()) {
    if (info.kind === "durable") durable.push(new DurableBody(fc, info).run());
    else {
      checkStepBody(fc, info.node, info.name, false);
      const { line, column } = fc.lines.at(info.node.getStart(sf));
      steps.push({ id: `${file}#${info.name}`, name: info.name, runtimeName: normalizeCallee(info.name), exported: info.exported, params: info.node.parameters.map((p) => p.name.getText(sf)), loc: `${file}:${line}:${column}` });
    }
  }
  emitTemps(fc);
  // Same line as the user's first line, so every line number of the output matches the input.
  const shebang = /^#![^\n]*\n/.exec(code);
  s.appendLeft(shebang ? shebang[0].length : 0, IMPORT_LINE + sitesDeclaration(file, durable, steps));
  return result(s, file, buildManifest(file, durable, steps, sink.list), sink.list);
}
