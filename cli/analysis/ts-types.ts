/**
 * The TypeScript API as a type only: analysis/ never loads TypeScript itself. The check command hands
 * it ts-morph's copy, the language-service plugin the editor's; both speak the same API.
 */
import type * as TS from "typescript";

export type { TS };
export type TSApi = typeof TS;
