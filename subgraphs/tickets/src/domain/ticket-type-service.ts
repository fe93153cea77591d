/**
 * Ticket types: adding and changing the kinds of ticket an event sells. Every change emits
 * `TicketTypeChanged` with the event's status in its own transaction (orders sells from that
 * copy), under the event's row lock.
 */
import { inTransaction, type Db } from '../../../../shared/db';
import { badInput, conflict, notFound } from '../../../../shared/errors';
import type * as events from '../data/events';
import * as ticketTypes from '../data/ticket-types';
import * as tickets from '../data/tickets';
import type { TicketsRequest } from '../loaders';
import { announceTicketType } from './events';
import { assertOpen, lockManagedEvent } from './managed-event';
import * as valid from './validation';

interface TicketTypeInput {
  name?: string | null;
  priceCents?: number | null;
  currency?: string | null;
  capacity?: number | null;
  salesStartAt?: Date | null;
  salesEndAt?: Date | null;
  maxPerOrder?: number | null;
}

const DEFAULT_MAX_PER_ORDER = 10;
const MAX_PRICE_CENTS = 100_000_000;
const MAX_CAPACITY = 1_000_000;
const MAX_PER_ORDER = 100;

export class TicketTypeService {
  constructor(private readonly deps: { db: Db }) {}

  async create(
    ctx: TicketsRequest,
    input: TicketTypeInput & { eventId: string; name: string; priceCents: number; currency: string; capacity: number },
  ): Promise<ticketTypes.TicketType> {
    const eventId = valid.uuid('input.eventId', input.eventId);
    const data = this.ticketTypeData(input);
    return inTransaction(this.deps.db, async (tx) => {
      const event = await lockManagedEvent(ctx, tx, eventId);
      assertOpen(event);
      // The GraphQL input type makes name, priceCents, currency and capacity non-null.
      const capacity = data.capacity!;
      const fields = {
        capacity,
        maxPerOrder: data.maxPerOrder ?? Math.min(DEFAULT_MAX_PER_ORDER, capacity),
        salesStartAt: data.salesStartAt ?? null,
        salesEndAt: data.salesEndAt ?? null,
      };
      this.checkTicketType(event, fields);
      const created = await ticketTypes.createTicketType(tx, {
        ...fields,
        eventId,
        name: data.name!,
        priceCents: data.priceCents!,
        currency: data.currency!,
      });
      await announceTicketType(tx, event, created);
      return created;
    });
  }

  async update(ctx: TicketsRequest, id: string, input: TicketTypeInput): Promise<ticketTypes.TicketType> {
    const typeId = valid.uuid('id', id);
    const data = this.ticketTypeData(input);
    return inTransaction(this.deps.db, async (tx) => {
      const current = await ticketTypes.findTicketTypeById(tx, typeId);
      if (!current) throw notFound('TicketType');
      const event = await lockManagedEvent(ctx, tx, current.eventId);
      assertOpen(event);
      const merged = {
        name: data.name ?? current.name,
        priceCents: data.priceCents ?? current.priceCents,
        currency: data.currency ?? current.currency,
        capacity: data.capacity ?? current.capacity,
        maxPerOrder: data.maxPerOrder ?? current.maxPerOrder,
        salesStartAt: data.salesStartAt === undefined ? current.salesStartAt : data.salesStartAt,
        salesEndAt: data.salesEndAt === undefined ? current.salesEndAt : data.salesEndAt,
      };
      this.checkTicketType(event, merged);
      if (data.capacity !== undefined && data.capacity < current.capacity) {
        const issued = await tickets.countLiveTicketsOfType(tx, typeId);
        if (merged.capacity < issued)
          throw conflict(`${issued} tickets are already issued; capacity cannot go below that`, 'input.capacity');
      }
      const updated = await ticketTypes.updateTicketType(tx, typeId, merged);
      await announceTicketType(tx, event, updated);
      return updated;
    });
  }

  private ticketTypeData(input: TicketTypeInput) {
    const name = valid.required('input.name', input.name);
    const priceCents = valid.required('input.priceCents', input.priceCents);
    const currency = valid.required('input.currency', input.currency);
    const capacity = valid.required('input.capacity', input.capacity);
    const maxPerOrder = valid.required('input.maxPerOrder', input.maxPerOrder);
    return {
      name: name === undefined ? undefined : valid.text('input.name', name, { min: 1, max: 100 }),
      priceCents: priceCents === undefined ? undefined : valid.int('input.priceCents', priceCents, 0, MAX_PRICE_CENTS),
      currency: currency === undefined ? undefined : valid.currency('input.currency', currency),
      capacity: capacity === undefined ? undefined : valid.int('input.capacity', capacity, 1, MAX_CAPACITY),
      maxPerOrder:
        maxPerOrder === undefined ? undefined : valid.int('input.maxPerOrder', maxPerOrder, 1, MAX_PER_ORDER),
      salesStartAt: input.salesStartAt,
      salesEndAt: input.salesEndAt,
    };
  }

  /** Rules across fields of a complete ticket type. */
  private checkTicketType(
    event: events.Event,
    t: { capacity: number; maxPerOrder: number; salesStartAt: Date | null; salesEndAt: Date | null },
  ): void {
    if (t.maxPerOrder > t.capacity)
      throw badInput('input.maxPerOrder', 'input.maxPerOrder must not exceed the capacity');
    if (t.salesStartAt && t.salesEndAt)
      valid.ordered('input.salesEndAt', t.salesStartAt, t.salesEndAt, 'input.salesStartAt');
    if (t.salesEndAt && t.salesEndAt > event.endsAt)
      throw badInput('input.salesEndAt', 'input.salesEndAt must not be after the event ends');
  }
}
