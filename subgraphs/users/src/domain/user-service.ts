import { inTransaction, type Db } from '../../../../shared/db';
import { badInput, conflict, notFound, unauthenticated } from '../../../../shared/errors';
import { keysetCursor, pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import type { RequestContext } from '../../../../shared/subgraph';
import * as sessions from '../data/sessions';
import * as users from '../data/users';
import { announceUser } from './events';
import * as valid from './validation';

export interface ProfileChanges {
  name?: string | null;
  phone?: string | null;
  locale?: string | null;
  avatarUrl?: string | null;
  bio?: string | null;
}

/** Users oldest first: creation time, then id. */
const cursor = keysetCursor({ c: 'date', i: 'uuid' });

/**
 * Profiles and the administration of accounts (roles, status, listing). A change of a user's
 * name, locale, roles or status is announced with `UserChanged` in its transaction.
 */
export class UserService {
  constructor(private readonly deps: { db: Db; now?: () => Date }) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async updateProfile(ctx: RequestContext, input: ProfileChanges): Promise<users.User> {
    if (!ctx.viewer) throw unauthenticated();
    if (input.name === null) throw badInput('input.name', 'input.name cannot be cleared');
    if (input.locale === null) throw badInput('input.locale', 'input.locale cannot be cleared');
    const optional = <T>(value: string | null | undefined, check: (v: string) => T) =>
      value === undefined ? undefined : value === null || value.trim() === '' ? null : check(value);
    const data = {
      name: input.name === undefined ? undefined : valid.text('input.name', input.name, { min: 1, max: 120 }),
      locale: input.locale === undefined ? undefined : valid.locale('input.locale', input.locale),
      phone: optional(input.phone, (v) => valid.phone('input.phone', v)),
      avatarUrl: optional(input.avatarUrl, (v) => valid.httpUrl('input.avatarUrl', v)),
      bio: optional(input.bio, (v) => valid.text('input.bio', v, { max: 2000 })),
    };
    const userId = ctx.viewer.userId;
    const user = await inTransaction(this.deps.db, async (tx) => {
      const updated = await users.updateUserVersioned(tx, userId, data, this.now());
      // Others keep the name (support, notifications) and the locale mail is written in (notifications).
      if (updated && (data.name !== undefined || data.locale !== undefined)) await announceUser(tx, updated);
      return updated;
    });
    if (!user) throw notFound('User');
    return user;
  }

  async setRoles(ctx: RequestContext, userId: string, roles: users.Role[]): Promise<users.User> {
    const id = valid.uuid('userId', userId);
    const unique = [...new Set(roles)];
    if (unique.length === 0) throw badInput('roles', 'A user needs at least one role');
    if (id === ctx.viewer?.userId && !unique.includes('ADMIN')) {
      throw conflict('You cannot remove your own ADMIN role', 'roles');
    }
    const user = await inTransaction(this.deps.db, async (tx) => {
      const updated = await users.updateUserVersioned(tx, id, { roles: unique }, this.now());
      if (updated) {
        await announceUser(tx, updated);
        // Live subscriptions hold the roles of their last session check: the gateway re-checks.
        await sessions.announceSessionChange(tx, { userId: id });
      }
      return updated;
    });
    if (!user) throw notFound('User');
    return user;
  }

  /** Disabling also revokes every session, so the user's live tokens stop working at once. */
  async setStatus(ctx: RequestContext, userId: string, status: users.UserStatus): Promise<users.User> {
    const id = valid.uuid('userId', userId);
    if (id === ctx.viewer?.userId && status !== 'ACTIVE')
      throw conflict('You cannot disable your own account', 'status');
    const user = await inTransaction(this.deps.db, async (tx) => {
      const updated = await users.updateUserVersioned(tx, id, { status }, this.now());
      if (!updated) return null;
      if (status === 'DISABLED') await sessions.revokeUserSessions(tx, id, 'user_disabled', this.now());
      await announceUser(tx, updated);
      return updated;
    });
    if (!user) throw notFound('User');
    return user;
  }

  async list(
    _ctx: RequestContext,
    args: { filter?: users.UserListFilter | null; first?: number | null; after?: string | null },
  ): Promise<Connection<users.User>> {
    const first = pageSize(args.first);
    const filter = args.filter ?? {};
    if (filter.search && filter.search.length > 254) throw badInput('filter.search', 'filter.search is too long');
    const key = cursor.decode(args.after);
    const after = key && { createdAt: key.c, id: key.i };
    const [rows, totalCount] = await Promise.all([
      users.listUsers(this.deps.db, filter, after, first + 1),
      users.countUsers(this.deps.db, filter),
    ]);
    return toConnection(rows, first, totalCount, (u) => cursor.encode({ c: u.createdAt, i: u.id }));
  }
}
