import { problemResponses } from '../../http/openapi-responses.ts';
import { defineRoute, type AnyRoute } from '../../http/routing.ts';
import { commandBody, commandResponse } from './schemas.ts';
import type { CommandService } from './service.ts';

/** Returns the route of plain-language commands. */
export function commandRoutes(commands: CommandService): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/commands',
      operationId: 'runCommand',
      summary: 'Turn plain text into planned actions, and apply them when execute is true',
      tag: 'commands',
      auth: true,
      body: commandBody,
      responses: {
        200: { description: 'The plan, and the rows when executed', schema: commandResponse },
        ...problemResponses(400, 401, 409, 422),
      },
      handler: async (context) => ({
        status: 200,
        body: await commands.run(context.userId, context.body, context.log),
      }),
    }),
  ];
}
