/**
 * Where and as whom the default client calls the durable execution service, from the environment Lambda
 * gives a function, by the rules @aws-sdk/client-lambda applies to the same settings:
 * - credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (the SDK's first provider);
 * - region: AWS_REGION;
 * - endpoint: AWS_ENDPOINT_URL_LAMBDA, else AWS_ENDPOINT_URL (both ignored when
 *   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), else `https://lambda[-fips].{region}.{suffix}` with the
 *   partition's DNS suffix (or its dual-stack one with AWS_USE_DUALSTACK_ENDPOINT=true).
 *
 * Owns: those rules. Never: guesses. Anything else the SDK would read (a shared config or credentials
 * file, which may set a profile's endpoint or FIPS; container, instance, SSO or web-identity
 * credentials; an unparsable setting, which the SDK reports) answers undefined, and the caller uses
 * @aws-sdk/client-lambda itself.
 */
import type { Credentials } from "./sigv4.ts";
// Not `import`: see runtime/SPEC.md "Built-in modules".
const { existsSync } = process.getBuiltinModule("node:fs");
const { homedir } = process.getBuiltinModule("node:os");
const { join } = process.getBuiltinModule("node:path");

export interface ServiceSettings {
  endpoint: URL;
  region: string;
  credentials: Credentials;
}

type Env = Record<string, string | undefined>;

// The AWS partitions (@aws-sdk's partitions.json): region pattern, DNS suffix, dual-stack DNS suffix.
const PARTITIONS: Array<[RegExp, string, string]> = [
  [/^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, "amazonaws.com", "api.aws"],
  [/^cn-\w+-\d+$/, "amazonaws.com.cn", "api.amazonwebservices.com.cn"],
  [/^eusc-(de)-\w+-\d+$/, "amazonaws.eu", "api.amazonwebservices.eu"],
  [/^us-iso-\w+-\d+$/, "c2s.ic.gov", "api.aws.ic.gov"],
  [/^us-isob-\w+-\d+$/, "sc2s.sgov.gov", "api.aws.scloud"],
  [/^eu-isoe-\w+-\d+$/, "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk"],
  [/^us-isof-\w+-\d+$/, "csp.hci.ic.gov", "api.aws.hci.ic.gov"],
  [/^us-gov-\w+-\d+$/, "amazonaws.com", "api.aws"],
];

/** The SDK's boolean settings accept exactly "true" and "false"; anything else is its error to raise. */
function flag(value: string | undefined): boolean | undefined {
  return value === undefined || value === "false" ? false : value === "true" ? true : undefined;
}

export function settingsFromEnvironment(env: Env = process.env): ServiceSettings | undefined {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken, AWS_REGION: region } = env;
  if (!accessKeyId || !secretAccessKey || !region || !/^[a-z0-9-]+$/.test(region)) return undefined;
  // Shared config and credentials files can set a profile's endpoint or FIPS; only the SDK reads them.
  const home = env.HOME ?? homedir();
  if (existsSync(env.AWS_CONFIG_FILE ?? join(home, ".aws", "config")) || existsSync(env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, ".aws", "credentials"))) return undefined;
  const fips = flag(env.AWS_USE_FIPS_ENDPOINT);
  const dualStack = flag(env.AWS_USE_DUALSTACK_ENDPOINT);
  if (fips === undefined || dualStack === undefined) return undefined;
  const configured = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === "true" ? undefined : (env.AWS_ENDPOINT_URL_LAMBDA ?? env.AWS_ENDPOINT_URL);
  let endpoint: URL;
  if (configured !== undefined) {
    // The SDK refuses a custom endpoint with FIPS or dual-stack: leave that error to it.
    if (fips || dualStack || !URL.canParse(configured)) return undefined;
    endpoint = new URL(configured);
    if (endpoint.protocol !== "https:" && endpoint.protocol !== "http:") return undefined;
  } else {
    const [, suffix, dualStackSuffix] = PARTITIONS.find(([pattern]) => pattern.test(region)) ?? PARTITIONS[0]!;
    endpoint = new URL(`https://lambda${fips ? "-fips" : ""}.${region}.${dualStack ? dualStackSuffix : suffix}`);
  }
  return { endpoint, region, credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } };
}
