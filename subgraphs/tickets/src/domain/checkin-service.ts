import type { Db } from '../../../../shared/db';
import { conflict, forbidden, notFound, unauthenticated } from '../../../../shared/errors';
import type { Context } from '../context';
import * as events from '../data/events';
import * as tickets from '../data/tickets';
import type { CheckInOutcome } from '../models';
import type { TicketsRealtime } from '../realtime';
import { canCheckIn, canSeeEvent } from './access';
import type { QrCodec } from './qr';
import * as valid from './validation';

/** Longer input than any code we issue is not worth verifying. */
const MAX_QR_LENGTH = 512;

const rejected = (status: CheckInOutcome['status']): CheckInOutcome => ({ status, ticket: null, checkedInAt: null });

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002';
}

/**
 * Scans at the door. The guarantee: of any number of concurrent scans of one ticket exactly
 * one is ACCEPTED, because acceptance is one conditional UPDATE (VALID → CHECKED_IN, see
 * `markCheckedIn`), never a read followed by a write. The accepted scan's nonce is stored
 * with it (unique), so a retry of that scan with the same nonce is answered ACCEPTED again.
 * The same transaction counts the scan on the event; `checkIns` subscribers hear of it once
 * it committed.
 */
export class CheckInService {
  constructor(private readonly deps: { db: Db; qr: QrCodec; realtime: TicketsRealtime; now?: () => Date }) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async checkIn(ctx: Context, input: { qr: string; eventId: string; nonce: string }): Promise<CheckInOutcome> {
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

    const previous = await tickets.findCheckInByNonce(this.deps.db, nonce);
    if (previous) return this.replay(previous, code.ticketId);

    let accepted: { ticket: tickets.Ticket; checkedInCount: number } | null;
    try {
      accepted = await this.deps.db.$transaction(async (tx) => {
        const at = this.now();
        const ticket = await tickets.markCheckedIn(tx, code.ticketId, eventId, at);
        if (!ticket) return null;
        await tickets.recordCheckIn(tx, { ticketId: ticket.id, nonce, scannerId: viewer.userId, checkedInAt: at });
        return { ticket, checkedInCount: await events.countCheckIn(tx, eventId) };
      });
    } catch (err) {
      // The nonce was taken meanwhile (by a concurrent scan of another ticket): our update
      // rolled back with it; answer as a retry of that scan.
      if (!isUniqueViolation(err)) throw err;
      accepted = null;
    }
    if (accepted) {
      const { ticket, checkedInCount } = accepted;
      await this.deps.realtime.checkedIn({
        eventId,
        ticketId: ticket.id,
        checkedInAt: ticket.checkedInAt!.toISOString(),
        checkedInCount,
      });
      return { status: 'ACCEPTED', ticket, checkedInAt: ticket.checkedInAt };
    }

    // Lost the race or not VALID. The winner may be a concurrent copy of this very scan.
    const winner = await tickets.findCheckInByNonce(this.deps.db, nonce);
    if (winner) return this.replay(winner, code.ticketId);
    const ticket = await tickets.findTicketById(this.deps.db, code.ticketId);
    if (!ticket || ticket.eventId !== eventId) return rejected('NOT_FOUND');
    if (ticket.status === 'VOIDED') return { status: 'VOIDED', ticket, checkedInAt: null };
    return { status: 'ALREADY_CHECKED_IN', ticket, checkedInAt: ticket.checkedInAt };
  }

  /** The answer to a retried nonce: the same ACCEPTED, if the nonce was this ticket's. */
  private async replay(previous: tickets.CheckIn, ticketId: string): Promise<CheckInOutcome> {
    if (previous.ticketId !== ticketId) throw conflict('This nonce was already used for another scan', 'input.nonce');
    const ticket = await tickets.findTicketById(this.deps.db, ticketId);
    return { status: 'ACCEPTED', ticket, checkedInAt: previous.checkedInAt };
  }
}
