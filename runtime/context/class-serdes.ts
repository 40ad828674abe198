/**
 * Serdes that give a class instance back (official SDK 2.4 `createClassSerdes` /
 * `createClassSerdesWithDates`): JSON on the wire, and on the way out a `new cls()` with the
 * parsed fields assigned, so methods work on the result. Dates named by dot paths
 * ("createdAt", "metadata.publishedAt") come back as Date. The class needs a constructor without
 * required parameters (it runs again on every deserialize); nested class instances stay plain
 * objects. Separate from serdes.ts so a handler that does not use it does not ship it.
 */
import type { Serdes } from "./serdes.ts";

export function createClassSerdes<T extends object>(cls: new () => T): Serdes<T> {
  return createClassSerdesWithDates(cls, []);
}

export function createClassSerdesWithDates<T extends object>(cls: new () => T, dateProps: string[]): Serdes<T> {
  return {
    serialize: async (value) => (value === undefined ? undefined : JSON.stringify(value)),
    deserialize: async (data) => {
      if (data === undefined) return undefined;
      const instance = Object.assign(new cls(), JSON.parse(data)) as Record<string, unknown>;
      for (const path of dateProps) {
        const keys = path.split(".");
        const last = keys.pop()!;
        let holder: unknown = instance;
        for (const key of keys) holder = typeof holder === "object" && holder !== null ? (holder as Record<string, unknown>)[key] : undefined;
        // A missing path is left alone; only a present value becomes a Date.
        if (typeof holder === "object" && holder !== null) {
          const record = holder as Record<string, unknown>;
          if (record[last] !== undefined && record[last] !== null) record[last] = new Date(record[last] as string);
        }
      }
      return instance as T;
    },
  };
}
