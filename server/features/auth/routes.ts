import type { RequestHandler } from 'express';
import { problemResponses } from '../../http/openapi-responses.ts';
import { defineRoute, type AnyRoute } from '../../http/routing.ts';
import { loginBodySchema, registerBodySchema, sessionSchema, userSchema } from './schemas.ts';
import type { AuthService } from './service.ts';

/** Routes of registration, login and the current user; `limiter` guards the first two. */
export function authRoutes(auth: AuthService, limiter: RequestHandler): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/auth/register',
      operationId: 'register',
      summary: 'Create an account and return a session',
      tag: 'auth',
      auth: false,
      before: [limiter],
      body: registerBodySchema,
      responses: {
        201: { description: 'Account created', schema: sessionSchema },
        ...problemResponses(400, 409, 429),
      },
      handler: async ({ body }) => ({ status: 201, body: await auth.register(body) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/auth/login',
      operationId: 'login',
      summary: 'Exchange an e-mail address and password for a bearer token',
      tag: 'auth',
      auth: false,
      before: [limiter],
      body: loginBodySchema,
      responses: {
        200: { description: 'Logged in', schema: sessionSchema },
        ...problemResponses(400, 401, 429),
      },
      handler: async ({ body }) => ({ status: 200, body: await auth.login(body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/auth/me',
      operationId: 'getCurrentUser',
      summary: 'Return the authenticated user',
      tag: 'auth',
      auth: true,
      responses: { 200: { description: 'The caller', schema: userSchema }, ...problemResponses(401, 404) },
      handler: async (context) => ({ status: 200, body: await auth.currentUser(context.userId) }),
    }),
  ];
}
