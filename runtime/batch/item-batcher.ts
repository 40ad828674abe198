/**
 * Item batching for `map`: groups consecutive items so that one child context processes several
 * (fewer operations for many small items). A use-durable option; the official JS SDK has none.
 *
 * Pure: the same items and limits give the same groups on every replay, since item ids follow the
 * group order. An item bigger than `maxBytesPerBatch` on its own still gets a group to itself.
 */
import { DurableError, ErrorCode, jsonBytes } from "../context/errors.ts";

export interface ItemBatcher {
  /** Items per group. @default unlimited */
  maxItemsPerBatch?: number;
  /** JSON size (UTF-8 bytes) of the items of a group. @default unlimited */
  maxBytesPerBatch?: number;
}

/** Partitions 0..count-1 into consecutive groups within the limits; every index appears once, in order. */
export function batchItems(items: readonly unknown[], batcher: ItemBatcher, where = "map"): number[][] {
  const maxItems = batcher.maxItemsPerBatch ?? Infinity;
  const maxBytes = batcher.maxBytesPerBatch ?? Infinity;
  if (!(maxItems >= 1) || (maxItems !== Infinity && !Number.isInteger(maxItems))) {
    throw new DurableError(ErrorCode.INVALID_ARGUMENT, `${where}: itemBatcher.maxItemsPerBatch must be a whole number >= 1 (or left out for no limit), got ${String(batcher.maxItemsPerBatch)}.`);
  }
  if (!(maxBytes >= 1)) {
    throw new DurableError(ErrorCode.INVALID_ARGUMENT, `${where}: itemBatcher.maxBytesPerBatch must be a number of bytes >= 1 (or left out for no limit), got ${String(batcher.maxBytesPerBatch)}.`);
  }
  const groups: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  items.forEach((item, index) => {
    const size = maxBytes === Infinity ? 0 : jsonBytes(item);
    if (current.length > 0 && (current.length >= maxItems || bytes + size > maxBytes)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}
