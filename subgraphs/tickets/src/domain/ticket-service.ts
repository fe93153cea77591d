import type { Db, Tx } from '../../../../shared/db';
import { badInput, forbidden, unauthenticated } from '../../../../shared/errors';
import type { EventCatalog } from '../../../../shared/events/catalog';
import { emit } from '../../../../shared/events/outbox';
import type { Logger } from '../../../../shared/logger';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import type { Context } from '../context';
import * as ticketTypes from '../data/ticket-types';
import * as tickets from '../data/tickets';
import { canManageEvent, canSeeTicket, isAdmin } from './access';
import { PRODUCER } from './event-service';
import * as valid from './validation';

const cursorOf = (t: tickets.Ticket) => encodeCursor({ c: t.issuedAt.toISOString(), i: t.id });

/** Issued tickets: reading them, and issuing and voiding them as orders are paid and refunded. */
export class TicketService {
  constructor(private readonly deps: { db: Db; logger: Logger; now?: () => Date }) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** A ticket for whoever may see it (`canSeeTicket`): null when missing, FORBIDDEN for anyone else. */
  async get(ctx: Context, id: string): Promise<tickets.Ticket | null> {
    if (!ctx.viewer) throw unauthenticated();
    const ticket = await ctx.loaders.ticketById.load(valid.uuid('id', id));
    if (!ticket) return null;
    if (!(await canSeeTicket(ctx, ticket)))
      throw forbidden('Only its holder, the event organizer or door staff may see this ticket');
    return ticket;
  }

  /** A holder's tickets, oldest first (the permission rules decide who may ask). */
  async listOfHolder(
    _ctx: Context,
    holderId: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<tickets.Ticket>> {
    const first = pageSize(args.first);
    const cursor = decodeCursor(args.after, ['c', 'i']);
    const after = cursor ? { issuedAt: new Date(cursor.c), id: cursor.i } : undefined;
    if (after && (Number.isNaN(after.issuedAt.getTime()) || !valid.isUuid(after.id))) {
      throw badInput('after', 'after is not a cursor from this list');
    }
    const [rows, totalCount] = await Promise.all([
      tickets.listTicketsOfHolder(this.deps.db, holderId, after, first + 1),
      tickets.countTicketsOfHolder(this.deps.db, holderId),
    ]);
    return toConnection(rows, first, totalCount, cursorOf);
  }

  /**
   * The tickets of an order the caller may see: all for ADMIN, the holder's own (the holder is
   * the buyer), an organizer's for their events; anyone else gets an empty list.
   */
  async ofOrder(ctx: Context, orderId: string): Promise<tickets.Ticket[]> {
    if (!ctx.viewer) return [];
    const all = await ctx.loaders.ticketsByOrderId.load(orderId);
    if (isAdmin(ctx)) return all;
    const visible = await Promise.all(
      all.map(async (t) => {
        if (t.holderId === ctx.viewer!.userId) return true;
        const event = await ctx.loaders.eventById.load(t.eventId);
        return !!event && canManageEvent(ctx, event);
      }),
    );
    return all.filter((_, i) => visible[i]);
  }

  /**
   * `OrderPaid`: one ticket per unit of every ticket line, held by the buyer. Runs in the
   * consumer's transaction (with `applyOnce`'s processed-event record); the unique
   * (orderLineId, seatIndex) also makes a replay issue nothing. The event comes from the
   * ticket type, not from the payload. Announces the new tickets with `OrderTicketsChanged`
   * (the order's live updates) and `TicketsIssued` (who holds which ticket of which event).
   */
  async issueForOrder(tx: Tx, paid: EventCatalog['OrderPaid']): Promise<number> {
    const created: tickets.Ticket[] = [];
    const issuedAt = this.now();
    for (const line of paid.lines) {
      if (!line.ticketTypeId) continue;
      const type = await ticketTypes.findTicketTypeById(tx, line.ticketTypeId);
      if (!type) {
        // Orders sells only ticket types it learnt from us, so this is a bug elsewhere; retrying
        // would not help, and blocking the consumer would stop every later order.
        this.deps.logger.error('OrderPaid names an unknown ticket type; line skipped', {
          orderId: paid.orderId,
          orderLineId: line.orderLineId,
          ticketTypeId: line.ticketTypeId,
        });
        continue;
      }
      const seats = await tickets.issueSeats(tx, {
        eventId: type.eventId,
        ticketTypeId: type.id,
        holderId: paid.buyerId,
        orderId: paid.orderId,
        orderLineId: line.orderLineId,
        quantity: line.quantity,
        issuedAt,
      });
      created.push(...seats);
    }
    const issued = created.length;
    if (issued > 0) {
      await emit(tx, PRODUCER, 'OrderTicketsChanged', {
        orderId: paid.orderId,
        issued,
        voided: 0,
        changedAt: issuedAt.toISOString(),
      });
      await emit(tx, PRODUCER, 'TicketsIssued', {
        orderId: paid.orderId,
        tickets: created.map((t) => ({ ticketId: t.id, eventId: t.eventId, holderId: t.holderId })),
        issuedAt: issuedAt.toISOString(),
      });
    }
    return issued;
  }

  /** `OrderRefunded`: voids `quantity` live tickets (VALID first) of every refunded ticket line, announced with `OrderTicketsChanged`. */
  async voidForRefund(tx: Tx, refund: EventCatalog['OrderRefunded']): Promise<number> {
    let voided = 0;
    const at = this.now();
    for (const line of refund.lines) {
      if (line.ticketTypeId && line.quantity > 0)
        voided += await tickets.voidSeats(tx, line.orderLineId, line.quantity, at);
    }
    if (voided > 0)
      await emit(tx, PRODUCER, 'OrderTicketsChanged', {
        orderId: refund.orderId,
        issued: 0,
        voided,
        changedAt: at.toISOString(),
      });
    return voided;
  }
}
