import { z } from 'zod';

/** A user as the API returns it; the password hash never leaves the store. */
export const userSchema = z.object({
  id: z.uuid(),
  email: z.email(),
  name: z.string(),
  createdAt: z.iso.datetime(),
});
export type User = z.infer<typeof userSchema>;

const email = z
  .email({ error: 'must be an e-mail address' })
  .max(254)
  .transform((value) => value.trim());

export const registerBodySchema = z.strictObject({
  email,
  password: z
    .string()
    .min(10, { error: 'must be at least 10 characters long' })
    .max(256, { error: 'must be at most 256 characters long' }),
  name: z.string().trim().max(200).default(''),
});

export const loginBodySchema = z.strictObject({
  email,
  password: z.string().min(1).max(256),
});

export const sessionSchema = z.object({
  user: userSchema,
  token: z.string().describe('Bearer token for the Authorization header.'),
  expiresAt: z.iso.datetime(),
});
