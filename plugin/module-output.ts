// What the plugin hands a bundler for one compiled module: the code, the source map(s) that bundler
// reads, the manifest and the diagnostics. Plain data, so the same value comes from a fresh compile()
// or from the persistent cache (disk-cache.ts), and the maps a bundler does not read are never built.
//
// Owns: which map each bundler path asks for, and turning a CompileResult into this shape. Never:
// compiles, or reads files.

import type { CompileResult } from "./durable-modules.ts";

/** A source map as JSON (version 3), as magic-string builds it. */
export interface MapJson {
  version: number;
  file?: string;
  sources: string[];
  sourcesContent?: Array<string | null>;
  names: string[];
  mappings: string;
}

/**
 * The maps a bundler path reads: `token` (word-boundary map: esbuild composes it faster), `hires`
 * (exact to the character: Rollup, Vite, Rspack), `both` (webpack: the token map inline for
 * esbuild-loader, the exact one to the next loader), `none` (the build writes no source map).
 */
export type MapKind = "token" | "hires" | "both" | "none";

export interface ModuleOutput {
  code: string;
  /** The exact map, when the kind asks for it. */
  map?: MapJson;
  /** The word-boundary map, when the kind asks for it. */
  tokenMap?: MapJson;
  manifest: CompileResult["manifest"];
  diagnostics: CompileResult["diagnostics"];
}

// magic-string's SourceMap holds exactly the JSON fields as own properties.
const json = (map: CompileResult["map"]): MapJson => ({ ...map });

export function moduleOutput(result: CompileResult, maps: MapKind): ModuleOutput {
  return {
    code: result.code,
    ...(maps === "hires" || maps === "both" ? { map: json(result.map) } : {}),
    ...(maps === "token" || maps === "both" ? { tokenMap: json(result.tokenMap) } : {}),
    manifest: result.manifest,
    diagnostics: result.diagnostics,
  };
}

/** A map as an inline `sourceMappingURL` value, byte for byte what magic-string's toUrl() gives. */
export function mapUrl(map: MapJson): string {
  return `data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map), "utf8").toString("base64")}`;
}
