import type { Knex } from 'knex';
import type { User } from './schemas.ts';

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Date;
}

/** A user with the stored password hash, for logging in. */
export interface UserWithHash {
  readonly user: User;
  readonly passwordHash: string;
}

function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.created_at.toISOString() };
}

/** Inserts a user; a taken e-mail address raises PostgreSQL's unique_violation (23505). */
export async function insertUser(
  db: Knex,
  values: { email: string; name: string; passwordHash: string },
): Promise<User> {
  const [row] = await db<UserRow>('users')
    .insert({ email: values.email, name: values.name, password_hash: values.passwordHash })
    .returning(['id', 'email', 'name', 'password_hash', 'created_at']);
  return toUser(row as UserRow);
}

/** Finds a user by e-mail address regardless of case. */
export async function findUserByEmail(db: Knex, email: string): Promise<UserWithHash | undefined> {
  const row = await db<UserRow>('users').whereRaw('lower(email) = lower(?)', [email]).first();
  return row === undefined ? undefined : { user: toUser(row), passwordHash: row.password_hash };
}

export async function findUserById(db: Knex, id: string): Promise<User | undefined> {
  const row = await db<UserRow>('users').where({ id }).first();
  return row === undefined ? undefined : toUser(row);
}
