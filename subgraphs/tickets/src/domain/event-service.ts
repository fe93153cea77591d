/**
 * Events: reading and listing them, who may change them, and the status machine. Every change of
 * an event's status emits `TicketTypeChanged` for each of its ticket types in the same
 * transaction (orders sells from that copy; only PUBLISHED events sell).
 */
import { inTransaction, type Db, type Tx } from '../../../../shared/db';
import { badInput, conflict, unauthenticated } from '../../../../shared/errors';
import { keysetCursor, pageSize, toConnection, type Connection } from '../../../../shared/pagination';
import * as events from '../data/events';
import * as ticketTypes from '../data/ticket-types';
import type { TicketsRequest } from '../loaders';
import { canSeeEvent } from './access';
import { announceCancelled, announcePublished, announceTicketType } from './events';
import { assertOpen, lockManagedEvent } from './managed-event';
import * as valid from './validation';

interface VenueInput {
  name: string;
  address: string;
  city: string;
  country: string;
}

interface EventInput {
  title?: string | null;
  description?: string | null;
  venue?: VenueInput | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  timezone?: string | null;
  coverImageUrl?: string | null;
}

interface EventListArgs {
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

/** Status changes the domain allows: DRAFT → PUBLISHED → CANCELLED | COMPLETED; DRAFT → CANCELLED. */
const TRANSITIONS: Record<events.EventStatus, events.EventStatus[]> = {
  DRAFT: ['PUBLISHED', 'CANCELLED'],
  PUBLISHED: ['CANCELLED', 'COMPLETED'],
  CANCELLED: [],
  COMPLETED: [],
};

/** The public list is in (startsAt, id) order. */
const cursor = keysetCursor({ s: 'date', i: 'uuid' });

export class EventService {
  constructor(private readonly deps: { db: Db; now?: () => Date }) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** An event the caller may see; null otherwise (drafts of others look like missing events). */
  async get(ctx: TicketsRequest, id: string): Promise<events.Event | null> {
    const event = await ctx.loaders.eventById.load(valid.uuid('id', id));
    return event && canSeeEvent(ctx, event) ? event : null;
  }

  async list(_ctx: TicketsRequest, args: EventListArgs): Promise<Connection<events.Event>> {
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
    const key = cursor.decode(args.after);
    const after = key && { startsAt: key.s, id: key.i };
    const [rows, totalCount] = await Promise.all([
      events.listPublishedEvents(this.deps.db, filter, after, first + 1),
      events.countPublishedEvents(this.deps.db, filter),
    ]);
    return toConnection(rows, first, totalCount, (e) => cursor.encode({ s: e.startsAt, i: e.id }));
  }

  async create(
    ctx: TicketsRequest,
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

  async update(ctx: TicketsRequest, id: string, input: EventInput): Promise<events.Event> {
    const eventId = valid.uuid('id', id);
    const data = this.eventData(input, 'input');
    return inTransaction(this.deps.db, async (tx) => {
      const event = await lockManagedEvent(ctx, tx, eventId);
      if (event.status !== 'DRAFT' && event.status !== 'PUBLISHED')
        throw conflict(`A ${event.status} event cannot be edited`);
      const startsAt = data.startsAt ?? event.startsAt;
      const endsAt = data.endsAt ?? event.endsAt;
      if (endsAt <= startsAt)
        throw badInput(data.endsAt ? 'input.endsAt' : 'input.startsAt', 'The event must end after it starts');
      return events.updateEvent(tx, eventId, data);
    });
  }

  publish(ctx: TicketsRequest, id: string): Promise<events.Event> {
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

  cancel(ctx: TicketsRequest, id: string, reason: string): Promise<events.Event> {
    const why = valid.text('reason', reason, { min: 1, max: 1000 });
    return this.transition(
      ctx,
      id,
      'CANCELLED',
      () => ({ cancelReason: why, cancelledAt: this.now() }),
      announceCancelled,
    );
  }

  complete(ctx: TicketsRequest, id: string): Promise<events.Event> {
    return this.transition(ctx, id, 'COMPLETED', (event) => {
      if (event.startsAt > this.now()) throw conflict('An event that has not started cannot be completed');
      return {};
    });
  }

  /** Makes the user door staff of the event. Whether they hold the SCANNER role is checked at the door. */
  async assignScanner(ctx: TicketsRequest, eventId: string, userId: string): Promise<boolean> {
    const eid = valid.uuid('eventId', eventId);
    const uid = valid.uuid('userId', userId);
    await inTransaction(this.deps.db, async (tx) => {
      const event = await lockManagedEvent(ctx, tx, eid);
      assertOpen(event);
      await events.assignScanner(tx, eid, uid, ctx.viewer!.userId);
    });
    return true;
  }

  private async transition(
    ctx: TicketsRequest,
    id: string,
    to: events.EventStatus,
    prepare: (event: events.Event) => Partial<events.Event>,
    after?: (tx: Tx, event: events.Event) => Promise<void>,
  ): Promise<events.Event> {
    const eventId = valid.uuid('id', id);
    return inTransaction(this.deps.db, async (tx) => {
      const event = await lockManagedEvent(ctx, tx, eventId);
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
    const title = valid.required(`${at}.title`, input.title);
    const startsAt = valid.required(`${at}.startsAt`, input.startsAt);
    const endsAt = valid.required(`${at}.endsAt`, input.endsAt);
    const timezone = valid.required(`${at}.timezone`, input.timezone);
    const venue = valid.required(`${at}.venue`, input.venue);
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
}
