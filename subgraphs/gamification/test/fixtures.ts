import { randomUUID } from 'node:crypto';
import type { EventCatalog } from '../../../shared/events/catalog';
import type { GamificationHarness } from './helpers';

/** Payloads of other domains' events and ADMIN set-up, shared by the gamification tests. */
export function orderPaid(
  buyerId: string,
  totalCents: number,
  paidAt: string,
  { products = 0, sellerId }: { products?: number; sellerId?: string } = {},
): EventCatalog['OrderPaid'] {
  const line = (productId: string | null, cents: number) => ({
    orderLineId: randomUUID(),
    ticketTypeId: productId ? null : randomUUID(),
    eventId: productId ? null : randomUUID(),
    productId,
    sellerId: sellerId ?? randomUUID(),
    quantity: 1,
    unitPriceCents: cents,
  });
  return {
    orderId: randomUUID(),
    buyerId,
    currency: 'EUR',
    totalCents,
    paidAt,
    lines: [line(null, totalCents - products), ...(products ? [line(randomUUID(), products)] : [])],
  };
}

export function orderRefunded(
  paid: EventCatalog['OrderPaid'],
  amountCents: number,
  refundedAt: string,
): EventCatalog['OrderRefunded'] {
  return {
    orderId: paid.orderId,
    refundId: randomUUID(),
    buyerId: paid.buyerId,
    reason: 'test',
    amountCents,
    currency: paid.currency,
    lines: [],
    refundedAt,
  };
}

export function checkedIn(
  holderId: string,
  checkedInAt: string,
  ticketId = randomUUID(),
): EventCatalog['TicketCheckedIn'] {
  return { ticketId, eventId: randomUUID(), orderId: randomUUID(), holderId, checkedInAt };
}

export const ADMIN_ID = '00000000-0000-4000-8000-00000000000a';

export async function admin<T = Record<string, unknown>>(
  g: GamificationHarness,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await g.execute<T>(query, variables, g.viewer('ADMIN', ADMIN_ID));
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}

export const CREATE_RULE = `mutation ($input: EarningRuleInput!) { createEarningRule(input: $input) { id } }`;
export const CREATE_LEVEL = `mutation ($input: LevelInput!) { createLevel(input: $input) { id } }`;
export const CREATE_BADGE = `mutation ($input: BadgeInput!) { createBadge(input: $input) { id } }`;
export const CREATE_REWARD = `mutation ($input: RewardInput!) { createReward(input: $input) { id } }`;

export const rule = (g: GamificationHarness, input: Record<string, unknown>) =>
  admin<{ createEarningRule: { id: string } }>(g, CREATE_RULE, { input }).then((d) => d.createEarningRule.id);

export const STANDING = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on User {
  id points pointsDebt lifetimePoints level { name } badges { name } } } }`;

export interface Standing {
  id: string;
  points: number;
  pointsDebt: number;
  lifetimePoints: number | null;
  level: { name: string } | null;
  badges: { name: string }[];
}

/** The user's standing as they see it themself. */
export async function standing(g: GamificationHarness, userId: string): Promise<Standing> {
  const res = await g.execute<{ _entities: Standing[] }>(
    STANDING,
    { reps: [{ __typename: 'User', id: userId }] },
    g.viewer('CUSTOMER', userId),
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!._entities[0]!;
}
