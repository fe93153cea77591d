import DataLoader from 'dataloader';
import type { Db } from '../../../../shared/db';
import { conflict, forbidden, notFound, unauthenticated } from '../../../../shared/errors';
import * as events from '../data/events';
import * as tickets from '../data/tickets';
import type { TicketsRequest } from '../loaders';
import type { CheckInOutcome } from '../models';
import type { TicketsRealtime } from '../realtime';
import { canCheckIn, canSeeEvent } from './access';
import type { QrCodec } from './qr';
import * as valid from './validation';

/** Longer input than any code we issue is not worth verifying. */
const MAX_QR_LENGTH = 512;

const rejected = (status: CheckInOutcome['status']): CheckInOutcome => ({ status, ticket: null, checkedInAt: null });

/**
 * Scans at the door. The guarantee: of any number of concurrent scans of one ticket exactly
 * one is ACCEPTED, because acceptance is one conditional UPDATE (VALID → CHECKED_IN, see
 * `acceptCheckIn`), never a read followed by a write. The accepted scan's nonce is stored
 * with it (unique), so a retry of that scan with the same nonce is answered ACCEPTED again.
 * The same statement counts the scan on the event; `checkIns` subscribers hear of it once it
 * committed, with the event's count read after that commit: every scan reads after its own
 * commit, so the one that reads last sees them all, and the highest count a subscriber hears
 * is exact.
 */
export class CheckInService {
  /**
   * Count reads asked for while one is running wait for it and then read together, once per
   * process at a time: each is still read after it was asked for (after its scan committed),
   * which is all the exact count needs, and a burst of scans costs a few reads instead of one
   * each.
   */
  private readonly counts: DataLoader<string, number>;
  private reading: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: { db: Db; qr: QrCodec; realtime: TicketsRealtime; now?: () => Date }) {
    this.counts = new DataLoader<string, number>(
      (eventIds) => {
        const read = events.checkedInCounts(deps.db, eventIds);
        this.reading = read.catch(() => undefined);
        return read.then((counts) => eventIds.map((id) => counts.get(id) ?? 0));
      },
      {
        cache: false,
        maxBatchSize: 200,
        batchScheduleFn: (run) => void this.reading.then(() => setImmediate(run)),
      },
    );
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async checkIn(ctx: TicketsRequest, input: { qr: string; eventId: string; nonce: string }): Promise<CheckInOutcome> {
    const viewer = ctx.viewer;
    if (!viewer) throw unauthenticated();
    const eventId = valid.uuid('input.eventId', input.eventId);
    const nonce = valid.nonce('input.nonce', input.nonce);
    const event = await ctx.loaders.eventById.load(eventId);
    if (!event || !canSeeEvent(ctx, event)) throw notFound('Event');
    if (!(await canCheckIn(ctx, event)))
      throw forbidden('Only door staff assigned to this event, its organizer or an ADMIN may check tickets in');
    if (event.status !== 'PUBLISHED' && event.status !== 'COMPLETED')
      throw conflict(`The event is ${event.status}: no check-in`);

    const code = input.qr.length <= MAX_QR_LENGTH ? this.deps.qr.decode(input.qr) : null;
    if (!code) return rejected('INVALID_SIGNATURE');
    if (code.eventId !== eventId) return rejected('WRONG_EVENT');

    // Not accepted (null): the ticket is not VALID, or a scan took the nonce first. A retried
    // nonce needs no look-up before this: it is not accepted either, and finds its scan below.
    const ticket = await tickets.acceptCheckIn(this.deps.db, {
      ticketId: code.ticketId,
      eventId,
      nonce,
      scannerId: viewer.userId,
      at: this.now(),
    });
    if (ticket) {
      await this.deps.realtime.checkedIn({
        eventId,
        ticketId: ticket.id,
        checkedInAt: ticket.checkedInAt!.toISOString(),
        checkedInCount: await this.counts.load(eventId),
      });
      return { status: 'ACCEPTED', ticket, checkedInAt: ticket.checkedInAt };
    }

    // Lost the race, not VALID, or a retry. The winner may be an earlier copy of this very scan.
    const winner = await tickets.findCheckInByNonce(this.deps.db, nonce);
    if (winner) return this.replay(winner, code.ticketId);
    const current = await tickets.findTicketById(this.deps.db, code.ticketId);
    if (!current || current.eventId !== eventId) return rejected('NOT_FOUND');
    if (current.status === 'VOIDED') return { status: 'VOIDED', ticket: current, checkedInAt: null };
    return { status: 'ALREADY_CHECKED_IN', ticket: current, checkedInAt: current.checkedInAt };
  }

  /** The answer to a retried nonce: the same ACCEPTED, if the nonce was this ticket's. */
  private async replay(previous: tickets.CheckIn, ticketId: string): Promise<CheckInOutcome> {
    if (previous.ticketId !== ticketId) throw conflict('This nonce was already used for another scan', 'input.nonce');
    const ticket = await tickets.findTicketById(this.deps.db, ticketId);
    return { status: 'ACCEPTED', ticket, checkedInAt: previous.checkedInAt };
  }
}
