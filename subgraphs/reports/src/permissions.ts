import { and, rule } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { allow, isAuthenticated } from '../../../shared/auth/rules';
import type { EntityRef } from '../../../shared/entities';
import { forbidden } from '../../../shared/errors';
import type { ReferenceRule } from '../../../shared/subgraph';
import type { Context } from './context';
import { canSeeUserSales } from './domain/access';

/** The user whose sales are read is the viewer, or the viewer is ADMIN. */
const isSelfOrAdmin = and(
  isAuthenticated,
  rule({ cache: 'strict' })(
    (user: EntityRef, _args, ctx: Context) =>
      canSeeUserSales(ctx.viewer, user.id) || forbidden("Only the seller and ADMIN may read a seller's sales"),
  ),
);

/**
 * Deny by default (the fallback rule). Every report needs a signed-in viewer; which scope they
 * may see (ADMIN: all; ORGANIZER: their own; others FORBIDDEN) is the report service's
 * `scopeFor` (domain/access.ts), and an event's figures its organizer's and ADMIN's.
 */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow, // each type is guarded by its reference rule below
    salesReport: isAuthenticated,
    dashboard: isAuthenticated,
    topProducts: isAuthenticated, // scopes and ADMIN-only rankings: the report service
    topEvents: isAuthenticated,
    topSellers: isAuthenticated,
    lowStock: isAuthenticated,
    supportReport: isAuthenticated, // ADMIN and AGENTs: the activity report service
    engagementReport: isAuthenticated, // ADMIN: the activity report service
    categorySales: isAuthenticated,
    customerSegments: isAuthenticated, // ADMIN only: the report service
  },
  Subscription: {
    dashboardUpdated: isAuthenticated,
  },
  Event: {
    id: allow,
    attendance: isAuthenticated, // the organizer and ADMIN: checked by the report service
    salesSummary: isAuthenticated,
  },
  User: {
    id: allow,
    salesSummary: isSelfOrAdmin,
  },
  Ticket: { id: allow },
  SupportTicket: { id: allow },
  Product: { id: allow },
  TopProduct: allow,
  TopEvent: allow,
  TopSeller: allow,
  LowStockItem: allow,
  CategorySales: allow,
  CustomerSegments: allow,
  CustomerSegment: allow,
  SegmentMoney: allow,
  TicketType: { id: allow },
  // Reached only through the guarded fields above.
  SalesReport: allow,
  SalesPeriod: allow,
  CurrencySales: allow,
  Dashboard: allow,
  HourSales: allow,
  CheckInSummary: allow,
  SupportQueueItem: allow,
  Attendance: allow,
  SupportReport: allow,
  SupportPeriod: allow,
  EngagementReport: allow,
  EngagementPeriod: allow,
  _Service: allow,
};

/** `_entities`: an event or a user resolves to its id; each field is guarded above. */
export const referenceRules: Record<string, ReferenceRule<Context>> = {
  Event: () => true,
  User: () => true,
};
