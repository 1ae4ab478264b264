import type { Knex } from 'knex';
import type { Logger } from '../../logger.ts';
import type { Metrics } from '../../metrics.ts';
import type { EventService } from '../events/service.ts';
import type { TaskService } from '../tasks/service.ts';
import type { Plan } from './actions.ts';
import { executeActions } from './executor.ts';
import { interpretCommand } from './interpreter/embedded.ts';
import { LlmFailure, type LlmInterpreter } from './llm.ts';
import type { CommandInput, CommandResponse } from './schemas.ts';

/** Plans, and optionally applies, a plain-language command. */
export interface CommandService {
  run(userId: string, input: CommandInput, log: Logger): Promise<CommandResponse>;
}

interface Interpretation {
  readonly interpreter: 'embedded' | 'llm';
  readonly plan: Plan;
  readonly fallback: CommandResponse['fallback'];
}

/**
 * Creates the command use case. With an LLM interpreter configured, that
 * interpreter is tried first. When it fails, the embedded interpreter plans
 * instead and the response reports the fallback. Execution runs every action in one writer transaction.
 */
export function createCommandService(dependencies: {
  writer: Knex;
  tasks: TaskService;
  events: EventService;
  llm: LlmInterpreter | undefined;
  metrics: Metrics;
  clock?: () => Date;
}): CommandService {
  const { writer, tasks, events, llm, metrics } = dependencies;
  const clock = dependencies.clock ?? (() => new Date());

  async function interpret(input: CommandInput, log: Logger): Promise<Interpretation> {
    const context = { now: input.now ?? clock(), timeZone: input.timeZone };
    if (llm === undefined)
      return { interpreter: 'embedded', plan: interpretCommand(input.text, context), fallback: null };
    try {
      return { interpreter: 'llm', plan: await llm.interpret(input.text, context), fallback: null };
    } catch (error) {
      if (!(error instanceof LlmFailure)) throw error;
      log.warn('LLM interpreter failed; using the embedded interpreter', {
        reason: error.reason,
        detail: error.message,
      });
      metrics.commandOutcomes.inc({ interpreter: 'llm', outcome: 'fallback' });
      return {
        interpreter: 'embedded',
        plan: interpretCommand(input.text, context),
        fallback: { from: 'llm', reason: error.reason, detail: error.message },
      };
    }
  }

  return {
    async run(userId, input, log) {
      let interpretation: Interpretation;
      try {
        interpretation = await interpret(input, log);
      } catch (error) {
        metrics.commandOutcomes.inc({ interpreter: llm === undefined ? 'embedded' : 'llm', outcome: 'rejected' });
        throw error;
      }
      const { interpreter, plan, fallback } = interpretation;
      if (!input.execute) {
        metrics.commandOutcomes.inc({ interpreter, outcome: 'planned' });
        return { interpreter, fallback, actions: plan.actions, executed: false, results: [] };
      }
      const results = await writer.transaction((transaction) =>
        executeActions(transaction, userId, plan.actions, { tasks, events }),
      );
      metrics.commandOutcomes.inc({ interpreter, outcome: 'executed' });
      return { interpreter, fallback, actions: plan.actions, executed: true, results };
    },
  };
}
