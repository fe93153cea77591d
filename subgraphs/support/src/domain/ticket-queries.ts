/**
 * Reads of support tickets: one ticket, the agents' queue and the lists of a user, order or
 * event, and a ticket's conversation, each only as far as the caller may see (domain/access.ts).
 * Keyset cursors are validated: anything not made here is BAD_USER_INPUT on `after`.
 */
import type { Db } from '../../../../shared/db';
import { badInput } from '../../../../shared/errors';
import { keysetCursor, pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import type { RequestContext } from '../../../../shared/subgraph';
import * as data from '../data/tickets';
import type { Message, SupportTicket, TicketKey, TicketListFilter, TicketOrder } from '../data/tickets';
import type { Loaders } from '../loaders';
import * as access from './access';
import * as valid from './validation';

/**
 * Cursors: by creation time then id (tickets newest first, messages oldest first); in SLA
 * order by due time then id, and for tickets with no due time (last) by id alone.
 */
const createdCursor = keysetCursor({ c: 'date', i: 'uuid' });
const dueCursor = keysetCursor({ d: 'date', i: 'uuid' });
const undueCursor = keysetCursor({ u: 'uuid' });

function encodeTicketCursor(order: TicketOrder, t: SupportTicket): string {
  if (order === 'CREATED_AT_DESC') return createdCursor.encode({ c: t.createdAt, i: t.id });
  return t.slaDueAt ? dueCursor.encode({ d: t.slaDueAt, i: t.id }) : undueCursor.encode({ u: t.id });
}

function decodeTicketCursor(order: TicketOrder, after: string | null | undefined): TicketKey | undefined {
  if (order === 'CREATED_AT_DESC') {
    const key = createdCursor.decode(after);
    return key && { at: key.c, id: key.i };
  }
  try {
    const key = dueCursor.decode(after);
    return key && { at: key.d, id: key.i };
  } catch {
    const key = undueCursor.decode(after); // BAD_USER_INPUT on `after` when neither shape fits
    return key && { at: null, id: key.u };
  }
}

export class TicketQueries {
  constructor(private readonly deps: { db: Db; now: () => Date }) {}

  /** A ticket the caller may see, or null (absent and invisible look the same). */
  async get(
    ctx: RequestContext & { loaders: Pick<Loaders, 'ticketById'> },
    id: string,
    visitorToken?: string | null,
  ): Promise<SupportTicket | null> {
    const ticket = await ctx.loaders.ticketById.load(id);
    return ticket && access.canSeeTicket(ctx.viewer, ticket, visitorToken) ? ticket : null;
  }

  /** The agents' queue, or (with `scope`) the tickets of a requester, order or event the caller may see. */
  async list(
    ctx: RequestContext,
    args: {
      filter?: TicketListFilter | null;
      orderBy?: TicketOrder | null;
      first?: number | null;
      after?: string | null;
    },
    scope: Pick<TicketListFilter, 'requesterId' | 'orderId' | 'eventId'> = {},
  ): Promise<Connection<SupportTicket>> {
    const first = pageSize(args.first);
    const order = args.orderBy ?? 'SLA_DUE_AT';
    const filter: TicketListFilter = { ...(args.filter ?? {}), ...scope };
    if (filter.search && filter.search.length > 200) throw badInput('filter.search', 'filter.search is too long');
    for (const f of ['assigneeId', 'categoryId'] as const) {
      const value = filter[f];
      if (value) filter[f] = valid.uuid(`filter.${f}`, value);
    }
    filter.requesterId = access.listedRequester(ctx.viewer, scope.requesterId);
    const after = decodeTicketCursor(order, args.after);
    const now = this.deps.now();
    const [rows, total] = await Promise.all([
      data.listTickets(this.deps.db, filter, order, after, first + 1, now),
      data.countTickets(this.deps.db, filter, now),
    ]);
    return toConnection(rows, first, total, (t) => encodeTicketCursor(order, t));
  }

  /** The conversation of a ticket and of those merged into it; internal notes only for agents. */
  async messages(
    ctx: RequestContext,
    ticket: SupportTicket,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<Message>> {
    const first = pageSize(args.first);
    const cursor = createdCursor.decode(args.after);
    const after = cursor && { createdAt: cursor.c, id: cursor.i };
    const ids = [ticket.id];
    // Merges form a tree rooted here; walk it level by level (merges are rare and shallow).
    for (let level = [ticket.id]; level.length > 0 && ids.length < 1000;) {
      level = (await data.mergedInto(this.deps.db, level)).map((r) => r.id).filter((id) => !ids.includes(id));
      ids.push(...level);
    }
    const internal = access.seesInternalNotes(ctx.viewer);
    const [rows, total] = await Promise.all([
      data.listMessages(this.deps.db, ids, internal, after, first + 1),
      data.countMessages(this.deps.db, ids, internal),
    ]);
    return toConnection(rows, first, total, (m) => createdCursor.encode({ c: m.createdAt, i: m.id }));
  }
}
