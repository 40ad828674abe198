// AWS CDK app for the checkout example. Not run by this repository's tests (aws-cdk-lib is not a
// dependency here); `build.sh` makes the asset it deploys, and that part is tested.
//   sh examples/cdk/build.sh && npx cdk deploy --app "node examples/cdk/app.mjs"
import { App, CfnOutput, Duration, Stack } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";

const here = import.meta.dirname;
const app = new App();
const stack = new Stack(app, "UseDurableCheckout");

const checkout = new lambda.Function(stack, "Checkout", {
  runtime: lambda.Runtime.NODEJS_22_X, // durable functions need nodejs22.x or later
  handler: "checkout.handler", // dist/checkout/checkout.mjs, export "handler"
  code: lambda.Code.fromAsset(`${here}/dist/checkout`),
  timeout: Duration.minutes(1), // one invocation; the whole execution is bounded by durableConfig
  environment: { NODE_OPTIONS: "--enable-source-maps" },
  // Durability can only be switched on when the function is created.
  durableConfig: { executionTimeout: Duration.days(3), retentionPeriod: Duration.days(14) },
});

// Durable executions are started through a qualified ARN (a version or an alias), never $LATEST.
const live = new lambda.Alias(stack, "CheckoutLive", { aliasName: "live", version: checkout.currentVersion });
new CfnOutput(stack, "CheckoutAliasArn", { value: live.functionArn });
