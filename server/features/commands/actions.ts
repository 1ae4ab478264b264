import { z } from 'zod';
import { recurrenceFrequencies, taskPriorities, taskStatuses } from '../tasks/schemas.ts';

/**
 * The actions a command can plan. Both interpreters, embedded and LLM, must
 * produce exactly this shape; the LLM's output is parsed with these schemas
 * and rejected when it does not fit.
 */
const isoDateTime = z.iso.datetime({ offset: true });

export const createTaskAction = z.strictObject({
  type: z.literal('create_task'),
  title: z.string().trim().min(1).max(500),
  dueAt: isoDateTime.nullable(),
  priority: z.enum(taskPriorities),
  tags: z.array(z.string().regex(/^[\p{L}\p{N}_-]{1,50}$/u)).max(20),
  project: z.string().min(1).max(200).nullable().describe('Project name, matched regardless of case.'),
  estimateMinutes: z.number().int().min(1).max(100_000).nullable(),
  recurrence: z
    .strictObject({
      frequency: z.enum(recurrenceFrequencies),
      interval: z.number().int().min(1).max(365),
      until: isoDateTime.nullable(),
    })
    .nullable(),
});

export const createEventAction = z
  .strictObject({
    type: z.literal('create_event'),
    title: z.string().trim().min(1).max(500),
    startAt: isoDateTime,
    endAt: isoDateTime,
    location: z.string().max(500).nullable(),
  })
  .refine((action) => new Date(action.endAt) > new Date(action.startAt), {
    error: 'endAt must be after startAt',
    path: ['endAt'],
  });

export const completeTaskAction = z.strictObject({
  type: z.literal('complete_task'),
  task: z.string().trim().min(1).max(500).describe('Words of the title of the task to complete.'),
});

export const rescheduleTaskAction = z.strictObject({
  type: z.literal('reschedule_task'),
  task: z.string().trim().min(1).max(500).describe('Words of the title of the task to move.'),
  dueAt: isoDateTime,
});

export const listTasksAction = z.strictObject({
  type: z.literal('list_tasks'),
  status: z.array(z.enum(taskStatuses)).min(1),
  dueAfter: isoDateTime.nullable(),
  dueBefore: isoDateTime.nullable(),
  tag: z.string().nullable(),
  project: z.string().nullable(),
  priority: z.enum(taskPriorities).nullable(),
});

export const listEventsAction = z.strictObject({
  type: z.literal('list_events'),
  from: isoDateTime,
  to: isoDateTime,
});

export const actionSchema = z
  .union([
    createTaskAction,
    createEventAction,
    completeTaskAction,
    rescheduleTaskAction,
    listTasksAction,
    listEventsAction,
  ])
  .meta({ id: 'CommandAction' });

export type Action = z.infer<typeof actionSchema>;
export type CreateTaskAction = z.infer<typeof createTaskAction>;
export type CreateEventAction = z.infer<typeof createEventAction>;
export type ListTasksAction = z.infer<typeof listTasksAction>;
export type ListEventsAction = z.infer<typeof listEventsAction>;

/** The plan an interpreter returns: one action per clause of the command. */
export const planSchema = z.strictObject({ actions: z.array(actionSchema).min(1).max(10) });
export type Plan = z.infer<typeof planSchema>;
