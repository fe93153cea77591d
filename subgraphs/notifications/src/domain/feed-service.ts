/** The in-app feed and the mail preferences of the signed-in user. */
import type { Db } from '../../../../shared/db';
import { badInput, unauthenticated } from '../../../../shared/errors';
import { keysetCursor, pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import type { RequestContext } from '../../../../shared/subgraph';
import * as v from '../../../../shared/validation';
import * as notifications from '../data/notifications';
import * as preferences from '../data/preferences';

const cursor = keysetCursor({ c: 'date', i: 'uuid' });
export const cursorOf = (n: notifications.Notification) => cursor.encode({ c: n.createdAt, i: n.id });

/** Most ids one `markNotificationsRead` takes. */
const MAX_IDS = 500;

export type FeedConnection = Connection<notifications.Notification> & { unreadCount: number };

export class FeedService {
  constructor(private readonly deps: { db: Db; now?: () => Date }) {}

  /** `User.notifications`: the permission rule has checked the viewer is the user. */
  async list(
    userId: string,
    args: { first?: number | null; after?: string | null; unreadOnly?: boolean | null },
  ): Promise<FeedConnection> {
    const { db } = this.deps;
    const first = pageSize(args.first);
    const unreadOnly = args.unreadOnly ?? false;
    const [rows, totalCount, unreadCount] = await Promise.all([
      notifications.listFeed(db, { userId, unreadOnly, after: cursor.decode(args.after), take: first + 1 }),
      notifications.countFeed(db, { userId, unreadOnly }),
      notifications.countFeed(db, { userId, unreadOnly: true }),
    ]);
    return { ...toConnection(rows, first, totalCount, cursorOf), unreadCount };
  }

  async markRead(ctx: RequestContext, ids: readonly string[] | null | undefined): Promise<number> {
    if (!ctx.viewer) throw unauthenticated();
    if (ids && ids.length > MAX_IDS) throw badInput('ids', `at most ${MAX_IDS} ids`);
    const valid = ids ? ids.map((id) => v.uuid('ids', id)) : null;
    return notifications.markRead(this.deps.db, ctx.viewer.userId, valid, this.deps.now?.() ?? new Date());
  }

  async setPreferences(
    ctx: RequestContext,
    input: { marketingEmail: boolean },
  ): Promise<preferences.NotificationPreference> {
    if (!ctx.viewer) throw unauthenticated();
    return preferences.setMarketingEmail(this.deps.db, ctx.viewer.userId, input.marketingEmail);
  }

  /** One-click unsubscribe: the same answer for every token, so a guess learns nothing. */
  async unsubscribe(token: string): Promise<boolean> {
    if (token.length > 0 && token.length <= 64) await preferences.unsubscribeByToken(this.deps.db, token);
    return true;
  }
}
