import { describe, expect, it } from '@jest/globals';
import { pgToolConnection, readConnectionSettings } from './database.ts';

describe('readConnectionSettings', () => {
  it('reads DATABASE_URL with an encoded password', () => {
    const settings = readConnectionSettings({
      DATABASE_URL: 'postgres://app:p%40ss@db.local:6432/planner?sslmode=require',
    });

    expect(settings).toMatchObject({
      host: 'db.local',
      port: 6432,
      database: 'planner',
      user: 'app',
      password: 'p@ss',
    });
  });

  it('prefers DATABASE_URL over PG variables', () => {
    const settings = readConnectionSettings({ DATABASE_URL: 'postgres://a:b@h/d', PGHOST: 'other' });

    expect(settings.host).toBe('h');
    expect(settings.port).toBe(5432);
  });

  it('reads PG variables', () => {
    const settings = readConnectionSettings({ PGHOST: 'h', PGDATABASE: 'd', PGUSER: 'u', PGPASSWORD: 'p' });

    expect(settings).toMatchObject({ host: 'h', port: 5432, database: 'd', user: 'u', password: 'p', url: undefined });
  });

  it.each([
    [{ PGHOST: 'h' }, 'PGDATABASE, PGUSER missing'],
    [{ PGHOST: 'h', PGDATABASE: 'd', PGUSER: 'u', PGPORT: 'x' }, 'PGPORT "x" is not a TCP port'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL is not a valid URL'],
    [{ DATABASE_URL: 'mysql://u:p@h/d' }, 'expected postgres: or postgresql:'],
    [{ DATABASE_URL: 'postgres://h/' }, 'must name a host, a user and a database'],
  ])('rejects %p', (env, message) => {
    expect(() => readConnectionSettings(env)).toThrow(message);
  });
});

describe('pgToolConnection', () => {
  it('moves the URL password into PGPASSWORD', () => {
    const settings = readConnectionSettings({ DATABASE_URL: 'postgres://app:secret@h:5432/d?sslmode=require' });
    const { dbname, env } = pgToolConnection(settings, { PATH: '/bin', PGHOST: 'stale' });

    expect(dbname).not.toContain('secret');
    expect(dbname).toContain('sslmode=require');
    expect(env.PGPASSWORD).toBe('secret');
    expect(env.PGHOST).toBeUndefined();
    expect(env.PATH).toBe('/bin');
  });

  it('passes PG variables through', () => {
    const settings = readConnectionSettings({ PGHOST: 'h', PGPORT: '6000', PGDATABASE: 'd', PGUSER: 'u' });
    const { dbname, env } = pgToolConnection(settings, { PGPASSWORD: 'leftover' });

    expect(dbname).toBe('d');
    expect(env).toMatchObject({ PGHOST: 'h', PGPORT: '6000', PGDATABASE: 'd', PGUSER: 'u' });
    expect(env.PGPASSWORD).toBeUndefined();
  });
});
