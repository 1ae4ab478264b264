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

/** Verified tokens remembered at most; a client sends the same token with every request. */
const verifiedCacheSize = 10_000;

/**
 * Remembers the subject and expiry of tokens that passed verification. A token is a fixed string
 * signed with the server's secret, so the same string verifies the same way until it expires.
 * The expiry is checked on every use, and the oldest entry is evicted when the map is full.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { userId: string; expiresMs: number }>();

  find(token: string, nowMs: number): string | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (nowMs < entry.expiresMs) return entry.userId;
    this.entries.delete(token);
    return undefined;
  }

  remember(token: string, userId: string, expiresMs: number): void {
    if (this.entries.size >= verifiedCacheSize) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { userId, expiresMs });
  }
}

/** Creates the token service around the shared secret and lifetime from the configuration. */
export function createTokenService(secret: string, ttlSeconds: number): TokenService {
  // A KeyObject made once spares jsonwebtoken from parsing the secret on every call.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const verified = new VerifiedTokens();
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
      const known = verified.find(token, Date.now());
      if (known !== undefined) return known;
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
      // Only a token with an expiry is remembered; issue() always sets one.
      if (typeof payload.exp === 'number') verified.remember(token, payload.sub, payload.exp * 1000);
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
