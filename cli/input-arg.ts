/**
 * `--input JSON` or `--input @file.json`, and a callback's payload: the text is checked to be JSON
 * and passed on as written (the engine never evaluates it). Bad JSON or a missing file is a
 * CliError with the position and the fix.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CliError } from "./cli-error.ts";

export function readJsonArg(value: string | undefined, what: string, cwd = process.cwd()): string | undefined {
  if (value === undefined) return undefined;
  let text = value;
  let from = `${what}`;
  if (value.startsWith("@")) {
    const path = resolve(cwd, value.slice(1));
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new CliError("UD_CLI_MISSING_FILE", `${what}: cannot read ${value.slice(1)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Give @<path of a JSON file>, or the JSON itself.`);
    }
    from = `${what} (${value.slice(1)})`;
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new CliError(
      "UD_CLI_BAD_JSON",
      `${from} is not valid JSON: ${(error as Error).message}. Quote it for the shell, e.g. --input '{"orderId":"o-1"}' (strings need double quotes: '"text"'), or pass @file.json.`,
    );
  }
  return text.trim();
}
