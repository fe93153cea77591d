import type { Db, Tx } from '../../../../shared/db';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '../../../../shared/errors';
import { emit } from '../../../../shared/events/outbox';
import { decodeCursor, encodeCursor, pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import type { Context } from '../context';
import * as events from '../data/events';
import * as ticketTypes from '../data/ticket-types';
import * as tickets from '../data/tickets';
import { canManageEvent, canSeeEvent } from './access';
import * as valid from './validation';

export const PRODUCER = 'tickets';

export interface VenueInput {
  name: string;
  address: string;
  city: string;
  country: string;
}

export interface EventInput {
  title?: string | null;
  description?: string | null;
  venue?: VenueInput | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  timezone?: string | null;
  coverImageUrl?: string | null;
}

export interface TicketTypeInput {
  name?: string | null;
  priceCents?: number | null;
  currency?: string | null;
  capacity?: number | null;
  salesStartAt?: Date | null;
  salesEndAt?: Date | null;
  maxPerOrder?: number | null;
}

export interface EventListArgs {
  filter?: {
    search?: string | null;
    city?: string | null;
    from?: Date | null;
    to?: Date | null;
    organizerId?: string | null;
  } | null;
  first?: number | null;
  after?: string | null;
}

const DEFAULT_MAX_PER_ORDER = 10;
const MAX_PRICE_CENTS = 100_000_000;
const MAX_CAPACITY = 1_000_000;
const MAX_PER_ORDER = 100;

/** Status changes the domain allows: DRAFT → PUBLISHED → CANCELLED | COMPLETED; DRAFT → CANCELLED. */
const TRANSITIONS: Record<events.EventStatus, events.EventStatus[]> = {
  DRAFT: ['PUBLISHED', 'CANCELLED'],
  PUBLISHED: ['CANCELLED', 'COMPLETED'],
  CANCELLED: [],
  COMPLETED: [],
};

const cursorOf = (e: events.Event) => encodeCursor({ s: e.startsAt.toISOString(), i: e.id });

/** Fields required when the key is absent from an update (`undefined`) but not nullable. */
function required<T>(field: string, value: T | null | undefined): T | undefined {
  if (value === null) throw badInput(field, `${field} cannot be cleared`);
  return value;
}

/**
 * Announces a ticket type as it now is, with its event's status, in the transaction that made
 * the change: orders keeps its copy (what it sells) from these events.
 */
export async function announceTicketType(tx: Tx, event: events.Event, type: ticketTypes.TicketType): Promise<void> {
  await emit(tx, PRODUCER, 'TicketTypeChanged', {
    ticketTypeId: type.id,
    eventId: event.id,
    organizerId: event.organizerId,
    name: type.name,
    priceCents: type.priceCents,
    currency: type.currency,
    capacity: type.capacity,
    maxPerOrder: type.maxPerOrder,
    salesStartAt: type.salesStartAt?.toISOString() ?? null,
    salesEndAt: type.salesEndAt?.toISOString() ?? null,
    eventStatus: event.status,
  });
}

/**
 * Announces that an event was published (customers may now refer to it, e.g. support links),
 * in the transaction that published it. DRAFT → PUBLISHED happens once per event.
 */
export async function announcePublished(tx: Tx, event: events.Event, at: Date): Promise<void> {
  await emit(tx, PRODUCER, 'EventPublished', {
    eventId: event.id,
    organizerId: event.organizerId,
    publishedAt: at.toISOString(),
  });
}

/**
 * Events and their ticket types: who may change them, the status machine, and the events
 * announcing changes. Every change of a ticket type, or of its event's status, emits
 * `TicketTypeChanged` in its own transaction (orders sells from that copy).
 */
export class EventService {
  constructor(private readonly deps: { db: Db; now?: () => Date }) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** An event the caller may see; null otherwise (drafts of others look like missing events). */
  async get(ctx: Context, id: string): Promise<events.Event | null> {
    const event = await ctx.loaders.eventById.load(valid.uuid('id', id));
    return event && canSeeEvent(ctx, event) ? event : null;
  }

  async list(_ctx: Context, args: EventListArgs): Promise<Connection<events.Event>> {
    const first = pageSize(args.first);
    const f = args.filter ?? {};
    const filter: events.EventListFilter = {
      search: f.search ? valid.text('filter.search', f.search, { max: 200 }) : undefined,
      city: f.city ? valid.text('filter.city', f.city, { max: 100 }) : undefined,
      from: f.from ?? undefined,
      to: f.to ?? undefined,
      organizerId: f.organizerId ? valid.uuid('filter.organizerId', f.organizerId) : undefined,
    };
    if (filter.from && filter.to && filter.to < filter.from)
      throw badInput('filter.to', 'filter.to must not be before filter.from');
    const cursor = decodeCursor(args.after, ['s', 'i']);
    const after = cursor ? { startsAt: new Date(cursor.s), id: cursor.i } : undefined;
    if (after && (Number.isNaN(after.startsAt.getTime()) || !valid.isUuid(after.id))) {
      throw badInput('after', 'after is not a cursor from this list');
    }
    const [rows, totalCount] = await Promise.all([
      events.listPublishedEvents(this.deps.db, filter, after, first + 1),
      events.countPublishedEvents(this.deps.db, filter),
    ]);
    return toConnection(rows, first, totalCount, cursorOf);
  }

  async create(
    ctx: Context,
    input: EventInput & Required<Pick<EventInput, 'title' | 'venue' | 'startsAt' | 'endsAt' | 'timezone'>>,
  ): Promise<events.Event> {
    const viewer = ctx.viewer;
    if (!viewer) throw unauthenticated();
    const data = this.eventData(input, 'input');
    valid.ordered('input.endsAt', data.startsAt!, data.endsAt!, 'input.startsAt');
    return events.createEvent(this.deps.db, {
      organizerId: viewer.userId,
      title: data.title!,
      description: data.description ?? '',
      venueName: data.venueName!,
      venueAddress: data.venueAddress!,
      venueCity: data.venueCity!,
      venueCountry: data.venueCountry!,
      startsAt: data.startsAt!,
      endsAt: data.endsAt!,
      timezone: data.timezone!,
      coverImageUrl: data.coverImageUrl ?? null,
    });
  }

  async update(ctx: Context, id: string, input: EventInput): Promise<events.Event> {
    const eventId = valid.uuid('id', id);
    const data = this.eventData(input, 'input');
    return this.deps.db.$transaction(async (tx) => {
      const event = await this.managedEvent(ctx, tx, eventId);
      if (event.status !== 'DRAFT' && event.status !== 'PUBLISHED')
        throw conflict(`A ${event.status} event cannot be edited`);
      const startsAt = data.startsAt ?? event.startsAt;
      const endsAt = data.endsAt ?? event.endsAt;
      if (endsAt <= startsAt)
        throw badInput(data.endsAt ? 'input.endsAt' : 'input.startsAt', 'The event must end after it starts');
      return events.updateEvent(tx, eventId, data);
    });
  }

  publish(ctx: Context, id: string): Promise<events.Event> {
    return this.transition(
      ctx,
      id,
      'PUBLISHED',
      (event) => {
        if (event.startsAt <= this.now()) throw conflict('An event that has started cannot be published');
        return {};
      },
      (tx, event) => announcePublished(tx, event, this.now()),
    );
  }

  cancel(ctx: Context, id: string, reason: string): Promise<events.Event> {
    const why = valid.text('reason', reason, { min: 1, max: 1000 });
    return this.transition(
      ctx,
      id,
      'CANCELLED',
      () => ({ cancelReason: why, cancelledAt: this.now() }),
      async (tx, event) => {
        await emit(tx, PRODUCER, 'EventCancelled', {
          eventId: event.id,
          organizerId: event.organizerId,
          reason: why,
          cancelledAt: event.cancelledAt!.toISOString(),
        });
      },
    );
  }

  complete(ctx: Context, id: string): Promise<events.Event> {
    return this.transition(ctx, id, 'COMPLETED', (event) => {
      if (event.startsAt > this.now()) throw conflict('An event that has not started cannot be completed');
      return {};
    });
  }

  async createTicketType(
    ctx: Context,
    input: TicketTypeInput & { eventId: string; name: string; priceCents: number; currency: string; capacity: number },
  ): Promise<ticketTypes.TicketType> {
    const eventId = valid.uuid('input.eventId', input.eventId);
    const data = this.ticketTypeData(input);
    return this.deps.db.$transaction(async (tx) => {
      const event = await this.managedEvent(ctx, tx, eventId);
      this.assertOpen(event);
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

  async updateTicketType(ctx: Context, id: string, input: TicketTypeInput): Promise<ticketTypes.TicketType> {
    const typeId = valid.uuid('id', id);
    const data = this.ticketTypeData(input);
    return this.deps.db.$transaction(async (tx) => {
      const current = await ticketTypes.findTicketTypeById(tx, typeId);
      if (!current) throw notFound('TicketType');
      const event = await this.managedEvent(ctx, tx, current.eventId);
      this.assertOpen(event);
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

  /** Makes the user door staff of the event. Whether they hold the SCANNER role is checked at the door. */
  async assignScanner(ctx: Context, eventId: string, userId: string): Promise<boolean> {
    const eid = valid.uuid('eventId', eventId);
    const uid = valid.uuid('userId', userId);
    await this.deps.db.$transaction(async (tx) => {
      const event = await this.managedEvent(ctx, tx, eid);
      this.assertOpen(event);
      await events.assignScanner(tx, eid, uid, ctx.viewer!.userId);
    });
    return true;
  }

  /**
   * Locks the event and checks the caller manages it: NOT_FOUND when it does not exist or is
   * a draft the caller cannot see, FORBIDDEN when they can see it but not change it.
   */
  private async managedEvent(ctx: Context, tx: Tx, id: string): Promise<events.Event> {
    if (!ctx.viewer) throw unauthenticated();
    const event = await events.lockEvent(tx, id);
    if (!event || !canSeeEvent(ctx, event)) throw notFound('Event');
    if (!canManageEvent(ctx, event)) throw forbidden('Only the organizer of this event or an ADMIN may change it');
    return event;
  }

  private assertOpen(event: events.Event): void {
    if (event.status !== 'DRAFT' && event.status !== 'PUBLISHED') throw conflict(`The event is ${event.status}`);
  }

  private async transition(
    ctx: Context,
    id: string,
    to: events.EventStatus,
    prepare: (event: events.Event) => Partial<events.Event>,
    after?: (tx: Tx, event: events.Event) => Promise<void>,
  ): Promise<events.Event> {
    const eventId = valid.uuid('id', id);
    return this.deps.db.$transaction(async (tx) => {
      const event = await this.managedEvent(ctx, tx, eventId);
      if (!TRANSITIONS[event.status].includes(to)) throw conflict(`A ${event.status} event cannot become ${to}`);
      const updated = await events.updateEvent(tx, eventId, { ...prepare(event), status: to });
      // Orders' copies must learn the new status (only PUBLISHED events sell).
      for (const type of await ticketTypes.findTicketTypesByEventIds(tx, [eventId]))
        await announceTicketType(tx, updated, type);
      await after?.(tx, updated);
      return updated;
    });
  }

  /** Validates the given event fields (`undefined` = not given) into column values. */
  private eventData(input: EventInput, at: string) {
    const title = required(`${at}.title`, input.title);
    const startsAt = required(`${at}.startsAt`, input.startsAt);
    const endsAt = required(`${at}.endsAt`, input.endsAt);
    const timezone = required(`${at}.timezone`, input.timezone);
    const venue = required(`${at}.venue`, input.venue);
    const description = input.description === null ? '' : input.description;
    return {
      title: title === undefined ? undefined : valid.text(`${at}.title`, title, { min: 1, max: 200 }),
      description:
        description === undefined ? undefined : valid.text(`${at}.description`, description, { max: 10_000 }),
      venueName: venue && valid.text(`${at}.venue.name`, venue.name, { min: 1, max: 200 }),
      venueAddress: venue && valid.text(`${at}.venue.address`, venue.address, { min: 1, max: 300 }),
      venueCity: venue && valid.text(`${at}.venue.city`, venue.city, { min: 1, max: 100 }),
      venueCountry: venue && valid.country(`${at}.venue.country`, venue.country),
      startsAt,
      endsAt,
      timezone: timezone === undefined ? undefined : valid.timezone(`${at}.timezone`, timezone),
      coverImageUrl:
        input.coverImageUrl === undefined
          ? undefined
          : input.coverImageUrl === null || input.coverImageUrl.trim() === ''
            ? null
            : valid.httpUrl(`${at}.coverImageUrl`, input.coverImageUrl),
    };
  }

  private ticketTypeData(input: TicketTypeInput) {
    const name = required('input.name', input.name);
    const priceCents = required('input.priceCents', input.priceCents);
    const currency = required('input.currency', input.currency);
    const capacity = required('input.capacity', input.capacity);
    const maxPerOrder = required('input.maxPerOrder', input.maxPerOrder);
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
