/** Stops the shared test environment once the last project that uses it is done. */
export default async function globalTeardown(): Promise<void> {
  const key = Symbol.for('planner.testEnvironment');
  const holder = globalThis as typeof globalThis & {
    [key]?: { environment: Promise<{ stop(): Promise<void> }>; users: number };
  };
  const state = holder[key];
  if (state === undefined) return;
  state.users -= 1;
  if (state.users > 0) return;
  delete holder[key];
  await (await state.environment).stop();
}
