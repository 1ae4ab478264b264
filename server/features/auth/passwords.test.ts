import { describe, expect, it } from '@jest/globals';
import { hashPassword, verifyPassword } from './passwords.ts';

const fast = { logN: 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple', fast);
    expect(hash).toMatch(/^scrypt\$10\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
  });

  it('salts each hash', async () => {
    expect(await hashPassword('same', fast)).not.toBe(await hashPassword('same', fast));
  });

  it('treats equivalent Unicode forms as the same password', async () => {
    const hash = await hashPassword('caf\u00e9', fast);
    expect(await verifyPassword('cafe\u0301', hash)).toBe(true);
  });

  it.each(['', 'bcrypt$x', 'scrypt$99$8$1$aa$bb', 'scrypt$x$8$1$aa$bb'])(
    'rejects the malformed hash %p',
    async (stored) => {
      expect(await verifyPassword('anything', stored)).toBe(false);
    },
  );
});
