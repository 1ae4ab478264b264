import { z } from 'zod';
import { pageQuery } from '../../shared/pagination.ts';
import { dateTimeInput, nonEmptyPatch, sortQuery } from '../../shared/schemas.ts';

export const taskStatuses = ['todo', 'in_progress', 'blocked', 'done'] as const;
export const taskPriorities = ['low', 'medium', 'high', 'urgent'] as const;
export const recurrenceFrequencies = ['daily', 'weekly', 'monthly'] as const;

export type TaskStatus = (typeof taskStatuses)[number];
export type TaskPriority = (typeof taskPriorities)[number];

const recurrenceOutput = z.object({
  frequency: z.enum(recurrenceFrequencies),
  interval: z.number().int(),
  until: z.iso.datetime().nullable(),
});
export type Recurrence = { frequency: (typeof recurrenceFrequencies)[number]; interval: number; until: Date | null };

export const taskSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    status: z.enum(taskStatuses),
    priority: z.enum(taskPriorities),
    tags: z.array(z.string()),
    dueAt: z.iso.datetime().nullable(),
    startAt: z.iso.datetime().nullable(),
    estimateMinutes: z.number().int().nullable(),
    projectId: z.uuid().nullable(),
    recurrence: recurrenceOutput.nullable(),
    blockedBy: z.array(z.uuid()).describe('Ids of the tasks this task waits for.'),
    completedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Task' });
export type Task = z.infer<typeof taskSchema>;

/** A tag: letters, digits, `_` or `-`, stored in lower case. */
export const tagSchema = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}_-]{1,50}$/u, { error: 'must be 1 to 50 letters, digits, _ or -' })
  .transform((tag) => tag.toLowerCase());

const recurrenceInput = z.strictObject({
  frequency: z.enum(recurrenceFrequencies),
  interval: z.number().int().min(1).max(365).default(1),
  until: dateTimeInput.nullable().default(null),
});

const fields = {
  title: z.string().trim().min(1, { error: 'must not be empty' }).max(500),
  description: z.string().max(10_000),
  status: z.enum(taskStatuses),
  priority: z.enum(taskPriorities),
  tags: z
    .array(tagSchema)
    .max(20)
    .transform((tags) => [...new Set(tags)]),
  dueAt: dateTimeInput.nullable(),
  startAt: dateTimeInput.nullable(),
  estimateMinutes: z.number().int().min(1).max(100_000).nullable(),
  projectId: z.uuid().nullable(),
  recurrence: recurrenceInput.nullable(),
  blockedBy: z
    .array(z.uuid())
    .max(50)
    .transform((ids) => [...new Set(ids)]),
};

function startNotAfterDue(value: { startAt?: Date | null; dueAt?: Date | null }): boolean {
  return !(value.startAt instanceof Date && value.dueAt instanceof Date && value.startAt > value.dueAt);
}
const startAfterDue = { error: 'startAt must not be after dueAt', path: ['startAt'] };

export const createTaskBody = z
  .strictObject({
    title: fields.title,
    description: fields.description.default(''),
    status: fields.status.default('todo'),
    priority: fields.priority.default('medium'),
    tags: fields.tags.default([]),
    dueAt: fields.dueAt.default(null),
    startAt: fields.startAt.default(null),
    estimateMinutes: fields.estimateMinutes.default(null),
    projectId: fields.projectId.default(null),
    recurrence: fields.recurrence.default(null),
    blockedBy: fields.blockedBy.default([]),
  })
  .refine(startNotAfterDue, startAfterDue)
  .refine((value) => value.recurrence === null || value.dueAt !== null, {
    error: 'a recurring task needs dueAt, from which the next occurrence is computed',
    path: ['recurrence'],
  });
export type CreateTaskInput = z.infer<typeof createTaskBody>;

export const updateTaskBody = nonEmptyPatch(
  z.strictObject({
    title: fields.title.optional(),
    description: fields.description.optional(),
    status: fields.status.optional(),
    priority: fields.priority.optional(),
    tags: fields.tags.optional(),
    dueAt: fields.dueAt.optional(),
    startAt: fields.startAt.optional(),
    estimateMinutes: fields.estimateMinutes.optional(),
    projectId: fields.projectId.optional(),
    recurrence: fields.recurrence.optional(),
    blockedBy: fields.blockedBy.optional(),
  }),
).refine(startNotAfterDue, startAfterDue);
export type UpdateTaskInput = z.infer<typeof updateTaskBody>;

export const taskSortKeys = ['createdAt', 'updatedAt', 'dueAt', 'priority', 'title'] as const;

/** A comma-separated list of statuses, e.g. `todo,in_progress`. */
const statusList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()))
  .pipe(z.array(z.enum(taskStatuses)).min(1));

export const listTasksQuery = z.strictObject({
  ...pageQuery,
  sort: sortQuery(taskSortKeys, 'createdAt').describe(
    'Sort key; prefix with - for descending. Tasks without dueAt sort last.',
  ),
  status: statusList.optional().describe('Comma-separated statuses to keep.'),
  priority: z.enum(taskPriorities).optional(),
  projectId: z.uuid().optional(),
  tag: tagSchema.optional(),
  dueBefore: dateTimeInput.optional().describe('Keep tasks due strictly before this time.'),
  dueAfter: dateTimeInput.optional().describe('Keep tasks due at or after this time.'),
  q: z.string().trim().min(1).max(200).optional().describe('Text to find in titles, case-insensitive.'),
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;

export const dependencyParams = z.strictObject({ id: z.uuid(), blockerId: z.uuid() });
