#!/usr/bin/env sh
# AWS CDK: NodejsFunction cannot take esbuild plugins, so bundle first with `use-durable build`
# (esbuild + the plugin, node22, ESM .mjs, @aws-sdk/* external, source maps, manifest) and hand the
# folder to lambda.Code.fromAsset (see app.mjs). Run before `cdk synth` / `cdk deploy`.
set -eu
cd "$(dirname "$0")"
${USE_DURABLE:-npx use-durable} build ../checkout.ts --outdir dist/checkout
