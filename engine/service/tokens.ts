/**
 * Opaque random strings the service hands out: checkpoint tokens (UUIDs; one current token per
 * execution, replaced by every checkpoint and every invocation) and callback ids (192 bits, base64
 * as the service's pattern `[A-Za-z0-9+/]+={0,2}` requires, at most 1,024 characters).
 */
import { randomBytes, randomUUID } from "node:crypto";

// randomUUID draws from a pooled buffer (122 random bits); randomBytes per token cost a syscall each.
export const newCheckpointToken = (): string => randomUUID();

export const newCallbackId = (): string => randomBytes(24).toString("base64");

export const CALLBACK_ID_PATTERN = /^[A-Za-z0-9+/]{1,1022}={0,2}$/;

export const newInvocationId = (): string => randomUUID();
