// The checkout example tested on use-durable/testing: a large order waits for an approver (answered
// from the test), is charged, sleeps an hour (skipped), and ships every item.
import { afterAll, beforeAll, expect, test } from "vitest";
import { LocalDurableTestRunner, WaitingOperationStatus } from "use-durable/testing";
import { handler } from "../checkout.ts";

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

const order = { id: "ord-7", card: "4000000000000002", totalCents: 180_000, items: [{ sku: "desk", quantity: 1 }, { sku: "lamp", quantity: 2 }] };

test("a large order is approved, charged and shipped", async () => {
  const runner = new LocalDurableTestRunner({ handlerFunction: handler });
  const approval = runner.getOperation("waitForCallback");
  const approved = approval.waitForData(WaitingOperationStatus.SUBMITTED).then((op) => op.sendCallbackSuccess("approved"));
  const execution = await runner.run({ payload: order });
  await approved;
  expect(execution.getResult()).toMatchObject({ status: "shipped", receipt: { cents: 180_000 } });
  expect(runner.getOperation("chargeCard").getStepDetails()?.result).toMatchObject({ cents: 180_000 });
  expect(runner.getOperation("sleep").getWaitDetails()?.waitSeconds).toBe(3600);
});

test("a rejected order is neither charged nor shipped", async () => {
  const runner = new LocalDurableTestRunner({ handlerFunction: handler });
  const approval = runner.getOperation("waitForCallback");
  const rejected = approval.waitForData(WaitingOperationStatus.SUBMITTED).then((op) => op.sendCallbackSuccess("rejected"));
  const execution = await runner.run({ payload: order });
  await rejected;
  expect(execution.getResult()).toEqual({ status: "rejected", orderId: "ord-7" });
  expect(execution.getOperations().map((op) => op.getName())).not.toContain("chargeCard");
});
