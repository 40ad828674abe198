/**
 * What the service needs to know about registered functions: whether a name exists, whether it is
 * durable, and its execution timeout. The invoke layer's registry implements it; the service never
 * sees handlers.
 */

export interface FunctionDescription {
  name: string;
  durable: boolean;
  executionTimeoutSeconds: number;
}

export interface FunctionCatalog {
  describe(functionName: string): FunctionDescription | undefined;
}
