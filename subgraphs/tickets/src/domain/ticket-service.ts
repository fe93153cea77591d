/**
 * Reading issued tickets. Tickets are issued and voided by the handlers of orders' events
 * (event-handlers.ts), never through the API.
 */
import type { Db } from '../../../../shared/db';
import { forbidden, unauthenticated } from '../../../../shared/errors';
import { keysetCursor, pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import * as tickets from '../data/tickets';
import type { TicketsRequest } from '../loaders';
import { canSeeTicket, canSeeTicketOfOrder } from './access';
import * as valid from './validation';

/** A holder's list is in (issuedAt, id) order. */
const cursor = keysetCursor({ c: 'date', i: 'uuid' });

export class TicketService {
  constructor(private readonly deps: { db: Db }) {}

  /** A ticket for whoever may see it (`canSeeTicket`): null when missing, FORBIDDEN for anyone else. */
  async get(ctx: TicketsRequest, id: string): Promise<tickets.Ticket | null> {
    if (!ctx.viewer) throw unauthenticated();
    const ticket = await ctx.loaders.ticketById.load(valid.uuid('id', id));
    if (!ticket) return null;
    if (!(await canSeeTicket(ctx, ticket)))
      throw forbidden('Only its holder, the event organizer or door staff may see this ticket');
    return ticket;
  }

  /** A holder's tickets, oldest first (the permission rules decide who may ask). */
  async listOfHolder(
    _ctx: TicketsRequest,
    holderId: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<tickets.Ticket>> {
    const first = pageSize(args.first);
    const key = cursor.decode(args.after);
    const after = key && { issuedAt: key.c, id: key.i };
    const [rows, totalCount] = await Promise.all([
      tickets.listTicketsOfHolder(this.deps.db, holderId, after, first + 1),
      tickets.countTicketsOfHolder(this.deps.db, holderId),
    ]);
    return toConnection(rows, first, totalCount, (t) => cursor.encode({ c: t.issuedAt, i: t.id }));
  }

  /** The tickets of an order the caller may see there (`canSeeTicketOfOrder`); an empty list for anyone else. */
  async ofOrder(ctx: TicketsRequest, orderId: string): Promise<tickets.Ticket[]> {
    if (!ctx.viewer) return [];
    const all = await ctx.loaders.ticketsByOrderId.load(orderId);
    const visible = await Promise.all(all.map((t) => canSeeTicketOfOrder(ctx, t)));
    return all.filter((_, i) => visible[i]);
  }
}
