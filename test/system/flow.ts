import { restoreBackup, takeBackup, verifyRestore } from './steps-backup.ts';
import {
  deleteProject,
  fillPlanner,
  scheduleWindow,
  showApp,
  type FlowState,
  type Reporter,
  type Step,
} from './steps.ts';
import type { System } from './system.ts';

/** The main job, in order: the demo prints each step, the e2e test asserts on what each returns. */
export const mainFlow: readonly Step[] = [
  fillPlanner,
  showApp,
  scheduleWindow,
  takeBackup,
  deleteProject,
  restoreBackup,
  verifyRestore,
];

/** One finished step: its name, how long it took and what it returned. */
export interface StepOutcome {
  name: string;
  title: string;
  durationMs: number;
  data: unknown;
}

/** A step that failed, with the step's name in the message so the first failure is clear. */
export class StepError extends Error {
  readonly step: string;

  constructor(step: Step, cause: unknown) {
    super(`step "${step.name}" (${step.title}) failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.step = step.name;
  }
}

/** Runs one step, timing it and naming it in any error. */
export async function runStep<T>(
  step: Step<T>,
  system: System,
  state: FlowState,
  report: Reporter,
): Promise<StepOutcome & { data: T }> {
  const started = Date.now();
  try {
    const data = await step.run(system, state, report);
    return { name: step.name, title: step.title, durationMs: Date.now() - started, data };
  } catch (error) {
    throw new StepError(step as Step, error);
  }
}
