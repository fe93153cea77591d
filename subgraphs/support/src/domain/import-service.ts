/**
 * Loads tickets exported from another help desk. Idempotent by (source, externalId) for
 * tickets and (ticket, externalId) for messages: a ticket already imported is left as it is
 * (only messages it lacks are added), so running an import twice changes nothing.
 */
import { z } from 'zod';
import { inTransaction, type Db } from '../../../../shared/db';
import { findCategoryBySlug } from '../data/reference';
import * as data from '../data/tickets';

const message = z.object({
  externalId: z.string().min(1).max(100),
  author: z.object({ name: z.string().min(1).max(120), agent: z.boolean().default(false) }),
  body: z.string().min(1).max(20_000),
  format: z.enum(['PLAIN', 'MARKDOWN']).default('PLAIN'),
  internal: z.boolean().default(false),
  createdAt: z.iso.datetime({ offset: true }),
});

export const importFileSchema = z.object({
  /** Name of the other help desk, e.g. `growdesk`. */
  source: z.string().min(1).max(50),
  tickets: z.array(
    z.object({
      externalId: z.string().min(1).max(100),
      subject: z.string().trim().min(1).max(200),
      status: z.enum(['NEW', 'OPEN', 'PENDING', 'ON_HOLD', 'RESOLVED', 'CLOSED']),
      priority: z.enum(['LOW', 'NORMAL', 'HIGH', 'URGENT']).default('NORMAL'),
      category: z.string().optional(),
      tags: z.array(z.string().min(1).max(40)).max(20).default([]),
      requester: z.object({ name: z.string().min(1).max(120), email: z.email() }),
      createdAt: z.iso.datetime({ offset: true }),
      resolvedAt: z.iso.datetime({ offset: true }).nullable().default(null),
      messages: z.array(message).default([]),
    }),
  ),
});

export type ImportFile = z.infer<typeof importFileSchema>;

export interface ImportResult {
  ticketsCreated: number;
  ticketsSkipped: number;
  messagesCreated: number;
}

export async function importTickets(db: Db, file: ImportFile): Promise<ImportResult> {
  const result: ImportResult = { ticketsCreated: 0, ticketsSkipped: 0, messagesCreated: 0 };
  for (const t of file.tickets) {
    await inTransaction(db, async (tx) => {
      let ticket = await data.findBySourceId(tx, file.source, t.externalId);
      if (ticket) result.ticketsSkipped++;
      else {
        const categoryId = t.category ? ((await findCategoryBySlug(tx, t.category))?.id ?? null) : null;
        const firstAgentReply = t.messages
          .filter((m) => m.author.agent && !m.internal)
          .map((m) => m.createdAt)
          .sort()[0];
        // Imported history is not measured against our SLA: no due time is kept.
        ticket = await data.createTicket(tx, {
          source: file.source,
          externalId: t.externalId,
          channel: 'IMPORT',
          subject: t.subject,
          status: t.status,
          priority: t.priority,
          categoryId,
          tags: t.tags,
          guestName: t.requester.name,
          guestEmail: t.requester.email.toLowerCase(),
          createdAt: new Date(t.createdAt),
          firstResponseAt: firstAgentReply ? new Date(firstAgentReply) : null,
          resolvedAt: t.resolvedAt ? new Date(t.resolvedAt) : null,
        });
        result.ticketsCreated++;
      }
      const ticketId = ticket.id;
      result.messagesCreated += await data.createMessagesSkippingExisting(
        tx,
        t.messages.map((m) => ({
          ticketId,
          externalId: m.externalId,
          // Imported authors have no account here: their name is kept as written.
          authorKind: m.author.agent ? 'SYSTEM' : 'GUEST',
          authorName: m.author.name,
          body: m.body,
          format: m.format,
          internal: m.internal,
          createdAt: new Date(m.createdAt),
        })),
      );
    });
  }
  return result;
}
