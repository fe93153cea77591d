import type { Db } from '../../../../shared/db';
import { badInput, conflict, forbidden, notFound, unauthenticated } from '../../../../shared/errors';
import type { RequestContext } from '../../../../shared/subgraph';
import * as agents from '../data/agents';
import type { UserDirectory } from '../data/user-directory';
import * as ref from '../data/reference';
import { findTicket } from '../data/tickets';
import type { SupportAgentView } from '../models';
import { maySetAvailabilityOf } from './access';
import * as valid from './validation';

/** Fills `{{name}}` placeholders; unknown ones stay as written so agents notice them. */
function fillPlaceholders(template: string, values: Record<string, string | null>): string {
  return template.replace(/\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/gi, (whole, key: string) => values[key] ?? whole);
}

/** Reference data and the help desk's configuration: categories, canned responses, agents' availability. */
export class AdminService {
  constructor(private readonly deps: { db: Db; directory: UserDirectory }) {}

  categories(): Promise<ref.SupportCategory[]> {
    return ref.listCategories(this.deps.db);
  }

  cannedResponses(): Promise<ref.CannedResponse[]> {
    return ref.listCannedResponses(this.deps.db);
  }

  async createCategory(
    _ctx: RequestContext,
    input: { name: string; slug: string; description?: string | null },
  ): Promise<ref.SupportCategory> {
    const category = {
      name: valid.text('input.name', input.name, { min: 1, max: 100 }),
      slug: valid.slug('input.slug', input.slug),
      description: valid.optionalText('input.description', input.description, 1000) ?? '',
    };
    try {
      return await ref.createCategory(this.deps.db, category);
    } catch (err) {
      if (err instanceof ref.SlugTakenError) throw conflict('A category with this slug exists', 'input.slug');
      throw err;
    }
  }

  async createCanned(ctx: RequestContext, input: { title: string; body: string }): Promise<ref.CannedResponse> {
    if (!ctx.viewer) throw unauthenticated();
    return ref.createCannedResponse(this.deps.db, { ...this.cannedInput(input), createdById: ctx.viewer.userId });
  }

  async updateCanned(
    _ctx: RequestContext,
    id: string,
    input: { title: string; body: string },
  ): Promise<ref.CannedResponse> {
    const canned = await ref.updateCannedResponse(this.deps.db, valid.uuid('id', id), this.cannedInput(input));
    if (!canned) throw notFound('Canned response');
    return canned;
  }

  async deleteCanned(_ctx: RequestContext, id: string): Promise<boolean> {
    if (!(await ref.deleteCannedResponse(this.deps.db, valid.uuid('id', id)))) throw notFound('Canned response');
    return true;
  }

  private cannedInput(input: { title: string; body: string }) {
    return {
      title: valid.text('input.title', input.title, { min: 1, max: 200 }),
      body: valid.body('input.body', input.body),
    };
  }

  /**
   * A canned response filled for a ticket: `{{customer.name}}` (guest name, else left for the
   * agent: support does not hold users' names), `{{ticket.number}}`, `{{ticket.subject}}`,
   * `{{order.id}}`.
   */
  async render(_ctx: RequestContext, id: string, ticketId: string): Promise<string> {
    const canned = await ref.findCannedResponse(this.deps.db, valid.uuid('id', id));
    if (!canned) throw notFound('Canned response');
    const ticket = await findTicket(this.deps.db, valid.uuid('ticketId', ticketId));
    if (!ticket) throw notFound('Support ticket');
    return fillPlaceholders(canned.body, {
      'customer.name': ticket.guestName,
      'ticket.number': `#${ticket.number}`,
      'ticket.subject': ticket.subject,
      'order.id': ticket.orderId,
    });
  }

  async setAvailability(
    ctx: RequestContext,
    input: { agentId?: string | null; available: boolean; maxOpenTickets?: number | null },
  ): Promise<SupportAgentView> {
    if (!ctx.viewer) throw unauthenticated();
    const agentId = valid.optionalUuid('input.agentId', input.agentId) ?? ctx.viewer.userId;
    if (!maySetAvailabilityOf(ctx.viewer, agentId)) throw forbidden("Only ADMIN sets another agent's availability");
    if (!(await this.deps.directory.isAgent(agentId))) throw badInput('input.agentId', 'Not an active AGENT');
    const maxOpenTickets =
      input.maxOpenTickets == null
        ? undefined
        : valid.intBetween('input.maxOpenTickets', input.maxOpenTickets, 1, 1000);
    const row = await agents.upsertAvailability(this.deps.db, agentId, { available: input.available, maxOpenTickets });
    const load = await agents.openTicketCounts(this.deps.db, [agentId]);
    return { ...row, openTickets: load.get(agentId) ?? 0 };
  }

  async agents(): Promise<SupportAgentView[]> {
    const rows = await agents.listAvailability(this.deps.db);
    const load = await agents.openTicketCounts(
      this.deps.db,
      rows.map((r) => r.agentId),
    );
    return rows.map((r) => ({ ...r, openTickets: load.get(r.agentId) ?? 0 }));
  }
}
