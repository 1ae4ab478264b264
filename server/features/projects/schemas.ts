import { z } from 'zod';
import { pageQuery } from '../../shared/pagination.ts';
import { booleanQuery, nonEmptyPatch, sortQuery } from '../../shared/schemas.ts';

export const projectSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    colour: z.string().describe('CSS hex colour, #rrggbb.'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Project' });
export type Project = z.infer<typeof projectSchema>;

const fields = {
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(200),
  description: z.string().max(5000),
  colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: 'must be a hex colour such as #4f46e5' }),
};

export const createProjectBody = z.strictObject({
  name: fields.name,
  description: fields.description.default(''),
  colour: fields.colour.optional(),
});
export type CreateProjectInput = z.infer<typeof createProjectBody>;

export const updateProjectBody = nonEmptyPatch(
  z.strictObject({
    name: fields.name.optional(),
    description: fields.description.optional(),
    colour: fields.colour.optional(),
  }),
);
export type UpdateProjectInput = z.infer<typeof updateProjectBody>;

export const projectSortKeys = ['createdAt', 'name'] as const;

export const listProjectsQuery = z.strictObject({
  ...pageQuery,
  sort: sortQuery(projectSortKeys, 'createdAt'),
  q: z.string().trim().min(1).max(200).optional().describe('Text to find in project names, case-insensitive.'),
});
export type ListProjectsQuery = z.infer<typeof listProjectsQuery>;

export const deleteProjectQuery = z.strictObject({
  cascade: booleanQuery
    .default(false)
    .describe('Also delete the tasks of the project; without it a project with tasks is kept.'),
});
