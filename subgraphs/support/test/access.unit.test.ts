import { randomUUID } from 'node:crypto';
import type { Role, Viewer } from '../../../shared/auth/tokens';
import * as access from '../src/domain/access';
import type { SupportTicket } from '../src/data/tickets';

const viewer = (...roles: Role[]): Viewer => ({
  userId: randomUUID(),
  roles,
  sessionId: randomUUID(),
  expiresAt: new Date(Date.now() + 60_000),
});
const ticket = (fields: Partial<SupportTicket>) =>
  ({ requesterId: null, visitorTokenHash: null, ...fields }) as SupportTicket;

describe('who sees a support ticket', () => {
  const requester = viewer('CUSTOMER');
  const agent = viewer('AGENT');
  const own = ticket({ requesterId: requester.userId });
  const widget = ticket({ visitorTokenHash: access.hashVisitorToken('secret') });

  test('agents and ADMIN see every ticket; the requester their own; others none', () => {
    expect(access.canSeeTicket(agent, own)).toBe(true);
    expect(access.canSeeTicket(viewer('ADMIN'), own)).toBe(true);
    expect(access.canSeeTicket(requester, own)).toBe(true);
    expect(access.canSeeTicket(viewer('CUSTOMER'), own)).toBe(false);
    expect(access.canSeeTicket(null, own)).toBe(false);
  });

  test('a visitor token opens its own widget ticket only', () => {
    expect(access.canSeeTicket(null, widget, 'secret')).toBe(true);
    expect(access.canSeeTicket(null, widget, 'other')).toBe(false);
    expect(access.canSeeTicket(null, own, 'secret')).toBe(false);
  });

  test('internal notes reach agents only; an agent on their own ticket writes as its customer', () => {
    expect(access.seesInternalNotes(agent)).toBe(true);
    expect(access.seesInternalNotes(requester)).toBe(false);
    expect(access.repliesAsCustomer(agent, ticket({ requesterId: agent.userId }))).toBe(true);
    expect(access.repliesAsCustomer(agent, own)).toBe(false);
  });

  test("lists: a customer only ever lists their own tickets; agents anyone's", () => {
    expect(access.listedRequester(requester, undefined)).toBe(requester.userId);
    expect(access.listedRequester(agent, undefined)).toBeUndefined();
    expect(access.listedRequester(null, undefined)).toBe('00000000-0000-0000-0000-000000000000');
    expect(access.listedRequester(agent, requester.userId)).toBe(requester.userId);
  });

  test('availability: an agent sets their own, ADMIN anyone’s', () => {
    expect(access.maySetAvailabilityOf(agent, agent.userId)).toBe(true);
    expect(access.maySetAvailabilityOf(agent, randomUUID())).toBe(false);
    expect(access.maySetAvailabilityOf(viewer('ADMIN'), agent.userId)).toBe(true);
  });
});
