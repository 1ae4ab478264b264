import { z } from 'zod';
import { eventSchema } from '../events/schemas.ts';
import { taskSchema } from '../tasks/schemas.ts';
import { actionSchema } from './actions.ts';
import { isValidTimeZone } from './interpreter/time.ts';

export const commandBody = z.strictObject({
  text: z.string().trim().min(1, { error: 'must not be blank' }).max(2000),
  execute: z.boolean().default(false).describe('Apply the planned actions in one transaction and return the rows.'),
  timeZone: z
    .string()
    .max(64)
    .refine(isValidTimeZone, { error: 'must be an IANA time zone such as Europe/London' })
    .default('UTC')
    .describe('Zone in which times without a zone are read.'),
  now: z.iso
    .datetime({ offset: true })
    .transform((value) => new Date(value))
    .optional()
    .describe('Reference time for relative dates such as "tomorrow"; defaults to the server clock.'),
});
export type CommandInput = z.infer<typeof commandBody>;

const resultSchema = z.union([
  z.object({ type: z.enum(['create_task', 'complete_task', 'reschedule_task']), task: taskSchema }),
  z.object({ type: z.literal('create_event'), event: eventSchema }),
  z.object({ type: z.literal('list_tasks'), tasks: z.array(taskSchema) }),
  z.object({ type: z.literal('list_events'), events: z.array(eventSchema) }),
]);

export const commandResponse = z.object({
  interpreter: z.enum(['embedded', 'llm']).describe('The interpreter whose plan is returned.'),
  fallback: z
    .object({
      from: z.literal('llm'),
      reason: z.enum(['timeout', 'unreachable', 'http_error', 'invalid_output']),
      detail: z.string(),
    })
    .nullable()
    .describe('Set when the LLM interpreter failed and the embedded one answered instead.'),
  actions: z.array(actionSchema),
  executed: z.boolean(),
  results: z.array(resultSchema).describe('One result per action, in order; empty unless executed.'),
});
export type CommandResponse = z.infer<typeof commandResponse>;
