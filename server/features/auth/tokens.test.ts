import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { UnauthorizedError } from '../../http/errors.ts';
import { createTokenService } from './tokens.ts';

const secret = 'a test secret that is long enough for HS256 signing';

describe('token service', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('returns the subject of a token it issued, also when verifying it again', () => {
    const tokens = createTokenService(secret, 3600);
    const { token } = tokens.issue('user-1');
    expect(tokens.verify(token)).toBe('user-1');
    expect(tokens.verify(token)).toBe('user-1');
  });

  it('rejects a remembered token once it has expired', () => {
    jest.useFakeTimers({ now: new Date('2026-06-01T10:00:00Z') });
    const tokens = createTokenService(secret, 60);
    const { token } = tokens.issue('user-1', new Date());
    expect(tokens.verify(token)).toBe('user-1');
    jest.setSystemTime(new Date('2026-06-01T10:01:00Z'));
    expect(() => tokens.verify(token)).toThrow('the bearer token has expired; log in again');
  });

  it('rejects a token signed with another secret and a tampered token', () => {
    const tokens = createTokenService(secret, 3600);
    const foreign = createTokenService('another secret of the same kind and length', 3600).issue('user-1').token;
    expect(() => tokens.verify(foreign)).toThrow(UnauthorizedError);
    const { token } = tokens.issue('user-2');
    expect(tokens.verify(token)).toBe('user-2');
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'user-3', exp: 9_999_999_999 })).toString('base64url');
    expect(() => tokens.verify(`${header}.${forged}.${signature}`)).toThrow('the bearer token is invalid');
  });
});
