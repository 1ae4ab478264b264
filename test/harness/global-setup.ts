import { startTestEnvironment, type TestEnvironment } from './environment.ts';

/**
 * The integration and e2e projects share one environment per jest run, so
 * the second project's set-up finds the first one's and only counts itself.
 */
interface SharedState {
  environment: Promise<TestEnvironment>;
  users: number;
}

const key = Symbol.for('planner.testEnvironment');
type GlobalWithState = typeof globalThis & { [key]?: SharedState };

function stopOnSignal(state: SharedState): void {
  const handler = (signal: NodeJS.Signals): void => {
    void state.environment
      .then((environment) => environment.stop())
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

export default async function globalSetup(): Promise<void> {
  const holder = globalThis as GlobalWithState;
  const existing = holder[key];
  if (existing !== undefined) {
    existing.users += 1;
    await existing.environment;
    return;
  }
  const state: SharedState = { environment: startTestEnvironment(), users: 1 };
  holder[key] = state;
  stopOnSignal(state);
  await state.environment;
}
