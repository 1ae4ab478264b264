import type { Knex } from 'knex';
import { isUniqueViolation } from '../../db/errors.ts';
import { ConflictError, NotFoundError, UnauthorizedError } from '../../http/errors.ts';
import { hashPassword, verifyPassword, type ScryptParameters } from './passwords.ts';
import type { User } from './schemas.ts';
import { findUserByEmail, findUserById, insertUser } from './store.ts';
import type { TokenService } from './tokens.ts';

/** A logged-in session: the user and a bearer token. */
export interface Session {
  readonly user: User;
  readonly token: string;
  readonly expiresAt: string;
}

/** Registration, login and the current user. */
export interface AuthService {
  register(input: { email: string; password: string; name: string }): Promise<Session>;
  login(input: { email: string; password: string }): Promise<Session>;
  currentUser(userId: string): Promise<User>;
}

/** Creates the auth use cases over the writer database and the token service. */
export function createAuthService(db: Knex, tokens: TokenService, scrypt: ScryptParameters): AuthService {
  // Unknown e-mail addresses are checked against this hash so that a failed
  // login takes as long whether or not the account exists.
  const decoyHash = hashPassword('decoy password that matches nothing', scrypt);

  const sessionFor = (user: User): Session => {
    const issued = tokens.issue(user.id);
    return { user, token: issued.token, expiresAt: issued.expiresAt.toISOString() };
  };

  return {
    async register(input) {
      const passwordHash = await hashPassword(input.password, scrypt);
      try {
        const user = await insertUser(db, { email: input.email, name: input.name, passwordHash });
        return sessionFor(user);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError('an account with this e-mail address already exists; log in instead', [
            { in: 'body', pointer: '/email', detail: 'already registered' },
          ]);
        }
        throw error;
      }
    },

    async login(input) {
      const found = await findUserByEmail(db, input.email);
      const valid = await verifyPassword(input.password, found?.passwordHash ?? (await decoyHash));
      if (found === undefined || !valid) throw new UnauthorizedError('the e-mail address or password is wrong');
      return sessionFor(found.user);
    },

    async currentUser(userId) {
      const user = await findUserById(db, userId);
      if (user === undefined) throw new NotFoundError('user', userId);
      return user;
    },
  };
}
