import type { CheckInRow, LowStockRow, SupportQueueRow, TopRow } from './data/queries';

/** Shapes the reports resolvers return besides plain GraphQL shapes (codegen maps them). */

/** Sales in one currency (GraphQL `CurrencySales`). */
export interface CurrencySalesView {
  currency: string;
  orders: number;
  grossCents: number;
  refundCents: number;
  netCents: number;
  ticketsSold: number;
  unitsSold: number;
}

/** `CheckInSummary`: the scan's ticket and event, as ids. */
export type CheckInView = CheckInRow;

/** `SupportQueueItem`: the support ticket, as an id. */
export type SupportQueueView = SupportQueueRow;

/** `Dashboard`. */
export interface DashboardView {
  organizerId: string | null;
  eventId: string | null;
  timezone: string;
  day: string;
  salesToday: CurrencySalesView[];
  ticketsSoldToday: number;
  checkInsToday: number;
  salesByHour: { start: Date; label: string; currency: string; orders: number; netCents: number }[];
  recentCheckIns: CheckInView[];
  openSupportTickets: number | null;
  supportQueue: SupportQueueView[] | null;
  pointsAwardedToday: number | null;
  usersRegisteredToday: number | null;
  updatedAt: Date;
}

/** `TopProduct`, `TopEvent`, `TopSeller`: the item's id and its sales in one currency. */
export interface TopItemView extends TopRow {
  netCents: number;
}

/** `CategorySales`: one category's rolled-up sales in one currency. */
export interface CategorySalesView {
  categoryId: string | null;
  parentId: string | null;
  name: string | null;
  depth: number;
  currency: string;
  grossCents: number;
  refundCents: number;
  netCents: number;
  unitsSold: number;
  ownNetCents: number;
}

/** `CustomerSegments`: every segment as of `asOf`. */
export interface CustomerSegmentsView {
  asOf: Date;
  segments: {
    segment: 'NEW' | 'ACTIVE' | 'LOYAL' | 'AT_RISK' | 'LOST';
    customers: number;
    orders: number;
    monetary: { currency: string; netCents: number }[];
  }[];
}

/** `LowStockItem`: a product or ticket type with its seller (and event) as ids. */
export type LowStockView = LowStockRow;
