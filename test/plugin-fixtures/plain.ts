// No directive anywhere: the plugin must leave this module exactly as the bundler alone would build it.
// ("use strict" and the specifier "use-durable" must not look like directives.)
"use strict";
import { formatCents } from "./plain-format.ts";

export const label = "use-durable is not imported here";

export async function handler(event: { cents: number }): Promise<string> {
  return `total: ${formatCents(event.cents)}`;
}
