// Type-level checks of use-durable/testing, proved by `npm run typecheck` (tsc --noEmit over test/):
// the runner is typed from the handler as written; each @ts-expect-error must stay an error. Nothing here runs.
import { withDurableExecution as officialDurable } from "@aws/durable-execution-sdk-js";
import { withDurableExecution } from "../runtime/index.ts";
import { LocalDurableTestRunner } from "../engine/testing/index.ts";

interface Order {
  id: string;
  items: string[];
}
interface Receipt {
  total: number;
}
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(): T => true as T;

// A compiled "use durable" function as written: (order: Order) => Promise<Receipt>.
declare function checkout(order: Order): Promise<Receipt>;

export async function typedFromTheHandler(): Promise<void> {
  const runner = new LocalDurableTestRunner({ handlerFunction: checkout });
  const result = await runner.run({ payload: { id: "o-1", items: ["desk"] } });
  const receipt: Receipt = result.getResult(); // no cast
  assert<Equal<typeof receipt, Receipt>>();
  assert<Equal<Parameters<typeof runner.run>[0], { payload?: Order } | undefined>>();
  // @ts-expect-error the payload must be an Order
  await runner.run({ payload: { sku: 1 } });
  // @ts-expect-error the result is a Receipt, not a string
  const wrong: string = result.getResult();
  void wrong;

  // Handlers made with withDurableExecution (ours, the official SDK's) are untyped, as on AWS's runner...
  const ours = await new LocalDurableTestRunner({ handlerFunction: withDurableExecution(async () => 1) }).run({ payload: 5 });
  assert<Equal<ReturnType<typeof ours.getResult>, any>>();
  const theirs = await new LocalDurableTestRunner({ handlerFunction: officialDurable(async () => 1) }).run({ payload: "x" });
  assert<Equal<ReturnType<typeof theirs.getResult>, any>>();
  // ... unless the test names the result type, as with AWS's LocalDurableTestRunner<TResult>.
  const named = await new LocalDurableTestRunner<Receipt>({ handlerFunction: officialDurable(async () => ({ total: 1 })) }).run();
  assert<Equal<ReturnType<typeof named.getResult>, Receipt>>();
}
