/** The outbox as ADMIN sees it: every mail with its state and attempts, and retrying a failed one. */
import type { Db } from '../../../../shared/db';
import { badInput, notFound } from '../../../../shared/errors';
import { keysetCursor, pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import * as v from '../../../../shared/validation';
import * as notifications from '../data/notifications';

const cursor = keysetCursor({ c: 'date', i: 'uuid' });

export class OutboxService {
  constructor(private readonly deps: { db: Db; now?: () => Date }) {}

  async list(args: {
    status?: notifications.NotificationStatus | null;
    first?: number | null;
    after?: string | null;
  }): Promise<Connection<notifications.Notification>> {
    const first = pageSize(args.first);
    const status = args.status ?? undefined;
    const [rows, totalCount] = await Promise.all([
      notifications.listOutbox(this.deps.db, { status, after: cursor.decode(args.after), take: first + 1 }),
      notifications.countOutbox(this.deps.db, status),
    ]);
    return toConnection(rows, first, totalCount, (n) => cursor.encode({ c: n.createdAt, i: n.id }));
  }

  /** Queues a FAILED or SUPPRESSED mail for an attempt now (a SENT or PENDING one: BAD_USER_INPUT). */
  async retry(rawId: string): Promise<notifications.Notification> {
    const id = v.uuid('id', rawId);
    const requeued = await notifications.requeue(this.deps.db, id, this.deps.now?.() ?? new Date());
    if (requeued) return requeued;
    const existing = await notifications.findNotification(this.deps.db, id);
    if (!existing) throw notFound('Notification');
    throw badInput('id', `The notification is ${existing.status}; only FAILED or SUPPRESSED ones are retried`);
  }
}
