// A "use durable" source the test runner compiles itself ({ file, export }): a step, a human
// approval through waitForCallback with a 4-day timeout, a day's wait, and a typed result.
import { sleep, waitForCallback } from "use-durable";

export interface Expense {
  id: string;
  cents: number;
}

export interface Decision {
  id: string;
  approved: boolean;
  paidCents: number;
}

async function audit(expense: Expense): Promise<string> {
  "use step";
  return `audit-${expense.id}`;
}

export async function approve(expense: Expense): Promise<Decision> {
  "use durable";
  const ticket = await audit(expense);
  const answer = await waitForCallback<string>(async () => void ticket, { timeout: { days: 4 } });
  await sleep({ days: 1 });
  return { id: expense.id, approved: answer === "yes", paidCents: answer === "yes" ? expense.cents : 0 };
}
