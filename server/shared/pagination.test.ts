import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../http/errors.ts';
import { decodeCursor, encodeCursor } from './pagination.ts';

describe('cursors', () => {
  const position = {
    sort: '-dueAt',
    value: '2027-01-01 10:00:00.123456+00',
    id: '6f1c1d3e-8f5a-4c55-9d0e-1b2c3d4e5f60',
  };

  it('round-trip with microseconds intact', () => {
    expect(decodeCursor(encodeCursor(position), '-dueAt')).toEqual(position);
  });

  it.each([
    ['another sort order', encodeCursor(position), 'dueAt'],
    ['garbage', 'not a cursor', '-dueAt'],
    ['JSON of the wrong shape', Buffer.from('{"s":"-dueAt"}').toString('base64url'), '-dueAt'],
    ['a non-UUID id', encodeCursor({ ...position, id: "1' OR '1'='1" }), '-dueAt'],
  ])('reject %s', (_case, cursor, sort) => {
    expect(() => decodeCursor(cursor, sort)).toThrow(ValidationError);
  });
});
