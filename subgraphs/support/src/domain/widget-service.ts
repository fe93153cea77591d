/**
 * The support widget: tickets opened without an account, reached with the visitor token handed
 * out once at opening, rate limited per client address and per email; and claiming them later
 * by signing in with the same email.
 */
import { randomBytes } from 'node:crypto';
import { inTransaction, type Db } from '../../../../shared/db';
import { forbidden, rateLimited, unauthenticated } from '../../../../shared/errors';
import type { RequestContext } from '../../../../shared/subgraph';
import type { WindowCounter } from '../../../../shared/rate-limits';
import {
  claimTickets,
  findUnclaimedGuestTickets,
  findUnclaimedGuestTicketsByToken,
  type SupportTicket,
} from '../data/tickets';
import type { UserDirectory } from '../data/user-directory';
import { hashVisitorToken } from './access';
import type { TicketWriter } from './ticket-writer';
import * as valid from './validation';

const WIDGET_WINDOW_SECONDS = 3600;

export interface WidgetServiceDeps {
  db: Db;
  writer: TicketWriter;
  directory: UserDirectory;
  counter: WindowCounter;
  limits: { perIp: number; perEmail: number };
  now: () => Date;
}

export class WidgetService {
  constructor(private readonly deps: WidgetServiceDeps) {}

  async create(
    ctx: RequestContext,
    input: { name: string; email: string; subject: string; message: string },
  ): Promise<{ ticket: SupportTicket; visitorToken: string }> {
    const name = valid.text('input.name', input.name, { min: 1, max: 120 });
    const email = valid.email('input.email', input.email);
    const subject = valid.text('input.subject', input.subject, { min: 1, max: 200 });
    const body = valid.body('input.message', input.message);
    await this.checkLimits(ctx.clientIp, email, this.deps.now());
    // 256 random bits; only the hash is stored.
    const visitorToken = randomBytes(32).toString('base64url');
    const ticket = await this.deps.writer.open(
      {
        subject,
        channel: 'WIDGET',
        guestName: name,
        guestEmail: email,
        visitorTokenHash: hashVisitorToken(visitorToken),
        requesterId: ctx.viewer?.userId ?? null,
      },
      { body, format: 'PLAIN', authorKind: 'GUEST', authorId: null, authorName: name },
      visitorToken,
    );
    return { ticket, visitorToken };
  }

  /** Refuses with RATE_LIMITED once this address or email opened too many widget tickets this hour. */
  private async checkLimits(ip: string, email: string, now: Date): Promise<void> {
    const { counter, limits } = this.deps;
    const retryAfter = WIDGET_WINDOW_SECONDS - (Math.floor(now.getTime() / 1000) % WIDGET_WINDOW_SECONDS);
    if ((await counter.hit(`widget:ip:${ip}`, WIDGET_WINDOW_SECONDS, now)) > limits.perIp) {
      throw rateLimited('Too many tickets from this address; try again later', retryAfter);
    }
    if ((await counter.hit(`widget:email:${email}`, WIDGET_WINDOW_SECONDS, now)) > limits.perEmail) {
      throw rateLimited('Too many tickets for this email; try again later', retryAfter);
    }
  }

  /**
   * Links unclaimed widget tickets to the caller. Claiming trusts an email only once it is
   * proven: with `visitorToken`, the one ticket it opens (its holder proved that ticket);
   * without, the guest tickets opened with the caller's email, which needs that email verified
   * (anyone may register with a guest's address). Unverified, it is FORBIDDEN and claims nothing.
   */
  async claim(ctx: RequestContext, visitorToken?: string | null): Promise<SupportTicket[]> {
    if (!ctx.viewer) throw unauthenticated();
    const userId = ctx.viewer.userId;
    let email: string | null = null;
    if (visitorToken == null) {
      email = await this.deps.directory.verifiedEmailOf(userId);
      if (!email) throw forbidden('Verify your email address to claim the tickets opened with it');
    }
    return inTransaction(this.deps.db, async (tx) => {
      const tickets =
        email !== null
          ? await findUnclaimedGuestTickets(tx, email)
          : await findUnclaimedGuestTicketsByToken(tx, hashVisitorToken(visitorToken!));
      await claimTickets(
        tx,
        tickets.map((t) => t.id),
        userId,
      );
      return tickets.map((t) => ({ ...t, requesterId: userId }));
    });
  }
}
