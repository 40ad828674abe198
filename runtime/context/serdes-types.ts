/**
 * The official SDK 2.4's names for serdes of any value: `AnySerdes`, and `AnySerdesDeserializer`
 * (only `deserialize`, what a callback's result needs). Types only.
 */
import type { Serdes } from "./serdes.ts";

export type AnySerdes = Serdes<any>;
export type AnySerdesDeserializer = Pick<AnySerdes, "deserialize">;
