/**
 * The version of this package (use-durable), as the official SDK exports its own: what the Lambda
 * client puts in its user agent. test/compat-features.test.ts keeps it equal to package.json.
 */
export const SDK_NAME = "use-durable";
export const SDK_VERSION = "0.1.0";
