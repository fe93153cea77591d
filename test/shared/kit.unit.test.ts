import { randomUUID } from 'node:crypto';
import { isAdmin, isSelf, isSelfOrAdmin, hasAnyRole } from '../../shared/auth/viewer';
import type { Viewer } from '../../shared/auth/tokens';
import { byId, groupedBy } from '../../shared/loaders';
import { keysetCursor, pageSize, toConnection } from '../../shared/pagination';

const viewer = (roles: Viewer['roles'], userId = randomUUID()): Viewer => ({
  userId,
  roles,
  sessionId: randomUUID(),
  expiresAt: new Date(Date.now() + 60_000),
});

describe('keysetCursor', () => {
  const cursor = keysetCursor({ c: 'date', i: 'uuid', n: 'int', s: 'string' });
  const key = { c: new Date('2026-03-29T01:30:00.000Z'), i: randomUUID(), n: 42, s: 'abc' };

  test('decodes what it encoded, with typed values', () => {
    expect(cursor.decode(cursor.encode(key))).toEqual(key);
    expect(cursor.decode(null)).toBeUndefined();
    expect(cursor.decode(undefined)).toBeUndefined();
  });

  test.each([
    ['empty', ''],
    ['not base64 JSON', '%%%'],
    ['a JSON scalar', Buffer.from('7').toString('base64url')],
    ['a missing field', Buffer.from(JSON.stringify({ c: key.c.toISOString(), i: key.i, n: 1 })).toString('base64url')],
    ['a date that is not ISO', Buffer.from(JSON.stringify({ ...key, c: 'yesterday' })).toString('base64url')],
    [
      'an id that is not a UUID',
      Buffer.from(JSON.stringify({ ...key, c: key.c.toISOString(), i: "1' OR 1=1" })).toString('base64url'),
    ],
    ['a fractional int', Buffer.from(JSON.stringify({ ...key, c: key.c.toISOString(), n: 1.5 })).toString('base64url')],
    [
      'a date beyond what Postgres stores',
      Buffer.from(JSON.stringify({ ...key, c: '-271821-04-20T00:00:00.000Z' })).toString('base64url'),
    ],
    [
      'a date after year 9999',
      Buffer.from(JSON.stringify({ ...key, c: '+275760-09-13T00:00:00.000Z' })).toString('base64url'),
    ],
    [
      'an int beyond a Postgres integer',
      Buffer.from(JSON.stringify({ ...key, c: key.c.toISOString(), n: 2 ** 53 })).toString('base64url'),
    ],
    [
      'an overlong text',
      Buffer.from(JSON.stringify({ ...key, c: key.c.toISOString(), s: 'x'.repeat(501) })).toString('base64url'),
    ],
  ])('refuses %s as BAD_USER_INPUT on `after`', (_what, after) => {
    expect(() => cursor.decode(after)).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }),
    );
  });
});

describe('pages', () => {
  test('pageSize accepts 0..100 and defaults to 20', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(0)).toBe(0);
    expect(() => pageSize(101)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ field: 'first' }) }),
    );
    expect(() => pageSize(-1)).toThrow();
  });

  test('toConnection tells whether more rows follow from the extra row', () => {
    const page = toConnection([1, 2, 3], 2, 10, (n) => `c${n}`);
    expect(page.edges.map((e) => e.node)).toEqual([1, 2]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: 'c2' });
    expect(toConnection([1], 2, 1, String).pageInfo).toEqual({ hasNextPage: false, endCursor: '1' });
  });
});

describe('loaders', () => {
  test('byId: one result per key in key order, ids compared lower-cased, junk keys missing without a fetch', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const fetched: string[][] = [];
    const loader = byId(async (ids) => {
      fetched.push(ids);
      return [{ id: b }, { id: a }];
    });
    const results = await loader.loadMany([a.toUpperCase(), 'not-a-uuid', b, randomUUID()]);
    expect(results).toEqual([{ id: a }, null, { id: b }, null]);
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).not.toContain('not-a-uuid');
    expect(await byId(async () => Promise.reject(new Error('must not fetch'))).load('junk')).toBeNull();
  });

  test('groupedBy: every key gets its (possibly empty) list', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const loader = groupedBy(
      async () => [
        { owner: a, n: 1 },
        { owner: b, n: 2 },
        { owner: a, n: 3 },
      ],
      (row) => row.owner,
    );
    expect(await loader.loadMany([b, a, randomUUID()])).toEqual([
      [{ owner: b, n: 2 }],
      [
        { owner: a, n: 1 },
        { owner: a, n: 3 },
      ],
      [],
    ]);
  });
});

describe('viewer checks', () => {
  test('roles and self, anonymous is never anything', () => {
    const admin = viewer(['ADMIN']);
    const agent = viewer(['CUSTOMER', 'AGENT']);
    expect(isAdmin(admin)).toBe(true);
    expect(isAdmin(agent)).toBe(false);
    expect(hasAnyRole(agent, 'AGENT', 'ADMIN')).toBe(true);
    expect(hasAnyRole(null, 'CUSTOMER')).toBe(false);
    expect(isSelf(agent, agent.userId.toUpperCase())).toBe(true);
    expect(isSelf(agent, admin.userId)).toBe(false);
    expect(isSelf(null, agent.userId)).toBe(false);
    expect(isSelfOrAdmin(admin, agent.userId)).toBe(true);
    expect(isSelfOrAdmin(agent, null)).toBe(false);
  });
});
