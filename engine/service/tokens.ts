/**
 * Opaque random strings the service hands out: checkpoint tokens (128 bits; one current token per
 * execution, replaced by every checkpoint and every invocation) and callback ids (192 bits, base64
 * as the service's pattern `[A-Za-z0-9+/]+={0,2}` requires, at most 1,024 characters).
 */
import { randomBytes } from "node:crypto";

export const newCheckpointToken = (): string => randomBytes(16).toString("base64url");

export const newCallbackId = (): string => randomBytes(24).toString("base64");

export const CALLBACK_ID_PATTERN = /^[A-Za-z0-9+/]{1,1022}={0,2}$/;

export const newInvocationId = (): string => randomBytes(16).toString("hex").replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
