import type { Db } from '../../../../shared/db';
import { badInput } from '../../../../shared/errors';
import { customerSegments as segmentRows, type Segment } from '../data/queries';
import type { CustomerSegmentsView } from '../models';

/**
 * The recency / frequency / monetary rules of `customerSegments` (schema/reports.graphql and
 * the README describe them). A buyer is in exactly one segment, the first that applies:
 * NEW (first counted order within NEW_DAYS), LOYAL (last within ACTIVE_DAYS and at least
 * LOYAL_ORDERS counted orders within LOYAL_WINDOW_DAYS), ACTIVE (last within ACTIVE_DAYS),
 * AT_RISK (last within AT_RISK_DAYS), LOST (older).
 */
export const NEW_DAYS = 30;
export const ACTIVE_DAYS = 90;
export const AT_RISK_DAYS = 180;
export const LOYAL_ORDERS = 3;
export const LOYAL_WINDOW_DAYS = 365;

const SEGMENTS: readonly Segment[] = ['NEW', 'ACTIVE', 'LOYAL', 'AT_RISK', 'LOST'];
const DAY_MS = 86_400_000;

/** Every segment, in the order above (empty ones with zeros), as of `asOf` (not after `now`). */
export async function customerSegments(db: Db, asOf: Date, now: Date): Promise<CustomerSegmentsView> {
  if (asOf.getTime() > now.getTime()) throw badInput('asOf', 'asOf must not be in the future');
  const before = (days: number) => new Date(asOf.getTime() - days * DAY_MS);
  const rows = await segmentRows(db, {
    asOf,
    newSince: before(NEW_DAYS),
    activeSince: before(ACTIVE_DAYS),
    atRiskSince: before(AT_RISK_DAYS),
    loyalSince: before(LOYAL_WINDOW_DAYS),
    loyalOrders: LOYAL_ORDERS,
  });
  return {
    asOf,
    segments: SEGMENTS.map((segment) => {
      const total = rows.find((r) => r.segment === segment && r.currency === null);
      return {
        segment,
        customers: total?.customers ?? 0,
        orders: total?.orders ?? 0,
        monetary: rows
          .filter((r) => r.segment === segment && r.currency !== null)
          .map((r) => ({ currency: r.currency!, netCents: r.netCents }))
          .sort((a, b) => a.currency.localeCompare(b.currency)),
      };
    }),
  };
}
