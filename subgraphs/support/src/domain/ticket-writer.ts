/**
 * The one way a ticket changes: a transaction that locks the rows it changes, saves them
 * (recording what the agents' queue and the conversation's followers should hear), commits, and
 * only then publishes. A rolled-back change publishes nothing.
 */
import { inTransaction, type Db, type Tx } from '../../../../shared/db';
import { notFound } from '../../../../shared/errors';
import { pickAgent } from '../data/agents';
import * as data from '../data/tickets';
import type { MessageFormat, NewMessage, NewTicket, SupportTicket, TicketUpdate } from '../data/tickets';
import { SupportNotices, type SupportRealtime } from '../realtime';
import { emitSlaBreached, emitTicketCreated, emitWidgetTicketOpened } from './events';
import type { SlaService } from './sla-service';

/** What a change works with, inside its transaction. */
export interface TicketChange {
  tx: Tx;
  /**
   * Reads a ticket and locks its row until commit (changes of one ticket serialise on it);
   * `missing` is thrown when absent (NOT_FOUND by default). Lock several tickets in id order.
   */
  lock: (id: string, missing?: () => Error) => Promise<SupportTicket>;
  /** Creates a ticket; the queue hears it was opened. */
  create: (ticket: NewTicket) => Promise<SupportTicket>;
  /**
   * Saves `changes` to a locked ticket; the queue hears what changed (assignee, status, breach),
   * and a newly breached SLA emits `SupportSlaBreached`.
   */
  save: (before: SupportTicket, changes: TicketUpdate) => Promise<SupportTicket>;
  /** Adds a message; its ticket's followers receive it. */
  addMessage: (message: NewMessage) => Promise<data.Message>;
}

/** The first message of a new ticket. */
export interface FirstMessage {
  body: string;
  format: MessageFormat;
  authorKind: 'USER' | 'GUEST';
  authorId: string | null;
  authorName: string | null;
}

export class TicketWriter {
  constructor(private readonly deps: { db: Db; sla: SlaService; realtime: SupportRealtime; now: () => Date }) {}

  async change<T>(work: (c: TicketChange) => Promise<T>): Promise<T> {
    const notices = new SupportNotices();
    const result = await inTransaction(this.deps.db, (tx) =>
      work({
        tx,
        lock: async (id, missing = () => notFound('Support ticket')) => {
          const ticket = await data.lockTicket(tx, id);
          if (!ticket) throw missing();
          return ticket;
        },
        create: async (ticket) => {
          const created = await data.createTicket(tx, ticket);
          notices.ticketChanged(null, created);
          return created;
        },
        save: async (before, changes) => {
          const after = await data.updateTicket(tx, before.id, changes);
          notices.ticketChanged(before, after);
          // Every change goes through here, so the breach is announced once, whichever found it.
          if (after.slaBreached && !before.slaBreached) await emitSlaBreached(tx, after, this.deps.now());
          return after;
        },
        addMessage: async (message) => {
          const created = await data.createMessage(tx, message);
          notices.messageAdded(created);
          return created;
        },
      }),
    );
    await this.deps.realtime.publish(notices);
    return result;
  }

  /**
   * Creates a ticket with its first message, assigns it to a free agent (if any), and emits
   * `SupportTicketCreated`, in one transaction; the agents' queue hears of it once committed.
   * A widget ticket's raw `visitorToken` also emits `SupportWidgetTicketOpened`, which mails
   * the guest the link to it.
   */
  async open(
    fields: Omit<NewTicket, 'slaDueAt' | 'slaPauses' | 'assigneeId'>,
    message: FirstMessage,
    visitorToken?: string,
  ) {
    const now = this.deps.now();
    return this.change(async ({ tx, create }) => {
      const priority = fields.priority ?? 'NORMAL';
      const sla = await this.deps.sla.columns(
        tx,
        { createdAt: now, firstResponseAt: null, resolvedAt: null, priority, slaBreached: false },
        [],
        now,
      );
      const created = await create({
        ...fields,
        createdAt: now,
        slaDueAt: sla.slaDueAt,
        slaPauses: sla.slaPauses,
      });
      // The first message is part of the opening: followers subscribe once the ticket exists.
      await data.createMessage(tx, { ticketId: created.id, createdAt: now, ...message });
      await emitTicketCreated(tx, created);
      if (visitorToken) await emitWidgetTicketOpened(tx, created, visitorToken);
      // Last: the assignment lock serialises every opening, so it is held only until commit.
      const assigneeId = await pickAgent(tx, now);
      return assigneeId ? data.updateTicket(tx, created.id, { assigneeId }) : created;
    });
  }
}
