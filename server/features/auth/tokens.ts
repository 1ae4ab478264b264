import type { RequestHandler } from 'express';
import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '../../http/errors.ts';
import type { RequestLocals } from '../../http/routing.ts';

const issuer = 'planner-server';
const audience = 'planner-api';

/** A signed bearer token and when it stops being accepted. */
export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** Signs and verifies the API's bearer tokens (HS256 JWTs whose subject is the user id). */
export interface TokenService {
  issue(userId: string, now?: Date): IssuedToken;
  /** Returns the user id of a valid token; throws UnauthorizedError otherwise. */
  verify(token: string): string;
}

/** Creates the token service around the shared secret and lifetime from the configuration. */
export function createTokenService(secret: string, ttlSeconds: number): TokenService {
  // A KeyObject made once spares jsonwebtoken from parsing the secret on every call.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return {
    issue(userId, now = new Date()) {
      const issuedAt = Math.floor(now.getTime() / 1000);
      const token = jwt.sign({ sub: userId, iat: issuedAt, exp: issuedAt + ttlSeconds }, key, {
        algorithm: 'HS256',
        issuer,
        audience,
      });
      return { token, expiresAt: new Date((issuedAt + ttlSeconds) * 1000) };
    },
    verify(token) {
      let payload: string | jwt.JwtPayload;
      try {
        payload = jwt.verify(token, key, { algorithms: ['HS256'], issuer, audience });
      } catch (error) {
        const expired = error instanceof jwt.TokenExpiredError;
        throw new UnauthorizedError(
          expired ? 'the bearer token has expired; log in again' : 'the bearer token is invalid',
        );
      }
      if (typeof payload === 'string' || typeof payload.sub !== 'string') {
        throw new UnauthorizedError('the bearer token has no subject');
      }
      return payload.sub;
    },
  };
}

/** Express middleware that requires `Authorization: Bearer <token>` and records the caller. */
export function bearerAuthenticator(tokens: TokenService): RequestHandler {
  return (request, response, next) => {
    const header = request.get('authorization');
    const match = header === undefined ? null : /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
    if (match === null) {
      next(new UnauthorizedError('send the header Authorization: Bearer <token> obtained from /api/v1/auth/login'));
      return;
    }
    const userId = tokens.verify(match[1] as string);
    (response.locals as RequestLocals).caller = { userId };
    next();
  };
}
