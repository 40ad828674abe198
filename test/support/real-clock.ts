/**
 * A sleep on the real clock. With `skipTime` the emulator installs fake timers in this thread
 * (setTimeout, node:timers and node:timers/promises included) and ticks them forward whenever it
 * schedules an invocation, so a hook that must let real time pass (the emulator's heartbeat and
 * callback timers run on the real clock, in its worker) cannot use them. Atomics.waitAsync is
 * not faked and does not block the thread.
 */
const cell = new Int32Array(new SharedArrayBuffer(4));
// ES2024, past the project's lib setting; Node 22 has it.
type WaitAsync = (a: Int32Array, index: number, value: number, ms: number) => { async: boolean; value: unknown };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export async function realSleep(ms: number): Promise<void> {
  const wait = waitAsync(cell, 0, 0, ms);
  if (wait.async) await wait.value;
}
