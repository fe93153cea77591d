/**
 * GraphQL Code Generator config: resolver types for every subgraph of the registry
 * (shared/services.ts), generated from its SDL `schema/<name>.graphql` into
 * `subgraphs/<name>/src/__generated__/resolvers-types.ts`.
 *
 *   npm run codegen         regenerates the files (commit them)
 *   npm run codegen:check   exits 1, writing nothing, when a committed file is stale
 *
 * A subgraph without an entry below gets the generated GraphQL shapes for every type; add one
 * with its mappers once its resolvers return rows. Each subgraph must export `Context` from
 * `subgraphs/<name>/src/context.ts`.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';
import { SUBGRAPH_NAMES } from './shared/services';

/** Import path of the Prisma client, relative to a `__generated__` folder. */
const prismaClient = '../../../../prisma/generated/prisma/client';

/**
 * Per subgraph: GraphQL type name -> the TypeScript type its resolvers receive as parent and
 * may return (`module#Export as Alias`, relative to the generated file). Unmapped types use
 * the generated GraphQL shape.
 */
const subgraphs: Partial<Record<string, { mappers: Record<string, string> }>> = {
  users: {
    mappers: {
      User: `${prismaClient}#User as UserModel`,
      // Profile fields are columns of the user row: `User.profile` returns the row itself.
      UserProfile: `${prismaClient}#User as UserModel`,
    },
  },
  tickets: {
    mappers: {
      // Row types through tickets' data layer (the one place that imports Prisma).
      Event: '../data/events#Event as EventModel',
      // Venue fields are columns of the event row: `Event.venue` returns the row itself.
      Venue: '../data/events#Event as EventModel',
      TicketType: '../data/ticket-types#TicketType as TicketTypeModel',
      Ticket: '../data/tickets#Ticket as TicketModel',
      // Entities of other subgraphs: tickets only knows (and returns) their key.
      User: '../../../../shared/entities#EntityRef',
      Order: '../../../../shared/entities#EntityRef',
      CheckInResult: '../models#CheckInOutcome',
      CheckInEvent: '../realtime#CheckInNotice',
    },
  },
  orders: {
    // Row types through orders' data layer (the one layer that imports Prisma).
    mappers: {
      Category: '../data/catalog#Category as CategoryModel',
      Product: '../data/catalog#Product as ProductModel',
      Warehouse: '../data/catalog#Warehouse as WarehouseModel',
      StockLevel: '../data/inventory#Stock as StockModel',
      StockMovement: '../data/catalog#StockMovement as StockMovementModel',
      // orders' counters of a ticket type (from its local copy, or zeros before the copy exists).
      TicketType: '../models#TicketTypeCounters',
      CartLine: '../data/carts#CartLine as CartLineModel',
      Cart: '../models#CartModel',
      Order: '../data/orders#Order as OrderModel',
      OrderLine: '../data/orders#OrderLine as OrderLineModel',
      Payment: '../data/orders#Payment as PaymentModel',
      Delivery: '../data/orders#Delivery as DeliveryModel',
      // Address fields are columns of the delivery row: `Delivery.address` returns the row itself.
      Address: '../data/orders#Delivery as DeliveryModel',
      Refund: '../data/orders#Refund as RefundModel',
      CheckoutPayload: '../models#CheckoutResult',
      EventAvailability: '../models#EventAvailabilityModel',
      // The counters are columns of orders' copy of the ticket type.
      TicketTypeAvailability: '../data/inventory#TicketTypeCopy as TicketTypeCopyModel',
      // Users and events are owned by other subgraphs: orders only knows (and returns) their key.
      User: '../../../../shared/entities#EntityRef',
      Event: '../../../../shared/entities#EntityRef',
    },
  },
  gamification: {
    mappers: {
      PointsEntry: `${prismaClient}#LedgerEntry as LedgerEntryModel`,
      EarningRule: `${prismaClient}#EarningRule as EarningRuleModel`,
      Level: `${prismaClient}#Level as LevelModel`,
      Badge: `${prismaClient}#Badge as BadgeModel`,
      BadgeAward: `${prismaClient}#BadgeAward as BadgeAwardModel`,
      Reward: `${prismaClient}#Reward as RewardModel`,
      Redemption: `${prismaClient}#Redemption as RedemptionModel`,
      LeaderboardEntry: '../models#LeaderboardEntryView',
      Leaderboard: '../models#LeaderboardView',
      PointsChange: '../realtime#PointsNotice',
      Challenge: `${prismaClient}#Challenge as ChallengeModel`,
      ChallengeProgress: '../domain/challenge-service#ChallengeProgressView',
      Receipt: '../data/receipts#Receipt as ReceiptModel',
      // Entities of other subgraphs: gamification only knows (and returns) their key.
      User: '../../../../shared/entities#EntityRef',
      Order: '../../../../shared/entities#EntityRef',
      Ticket: '../../../../shared/entities#EntityRef',
      SupportTicket: '../../../../shared/entities#EntityRef',
    },
  },
  reports: {
    mappers: {
      Dashboard: '../models#DashboardView',
      CheckInSummary: '../models#CheckInView',
      SupportQueueItem: '../models#SupportQueueView',
      TopProduct: '../models#TopItemView',
      TopEvent: '../models#TopItemView',
      TopSeller: '../models#TopItemView',
      LowStockItem: '../models#LowStockView',
      // Entities of other subgraphs: reports only knows (and returns) their key.
      Event: '../../../../shared/entities#EntityRef',
      User: '../../../../shared/entities#EntityRef',
      Ticket: '../../../../shared/entities#EntityRef',
      SupportTicket: '../../../../shared/entities#EntityRef',
      Product: '../../../../shared/entities#EntityRef',
    },
  },
  support: {
    mappers: {
      SupportTicket: `${prismaClient}#SupportTicket as SupportTicketModel`,
      SupportMessage: `${prismaClient}#Message as MessageModel`,
      // Author fields are columns of the message row: `SupportMessage.author` returns the row itself.
      SupportMessageAuthor: `${prismaClient}#Message as MessageModel`,
      SupportCategory: `${prismaClient}#SupportCategory as SupportCategoryModel`,
      CannedResponse: `${prismaClient}#CannedResponse as CannedResponseModel`,
      FAQ: `${prismaClient}#Faq as FaqModel`,
      SlaPolicy: `${prismaClient}#SlaPolicy as SlaPolicyModel`,
      SupportSla: '../models#SupportSlaView',
      SupportAgent: '../models#SupportAgentView',
      SupportQueueEvent: '../realtime#SupportQueueNotice',
      // Entities of other subgraphs: support only knows (and returns) their key.
      User: '../../../../shared/entities#EntityRef',
      Order: '../../../../shared/entities#EntityRef',
      Event: '../../../../shared/entities#EntityRef',
      Ticket: '../../../../shared/entities#EntityRef',
    },
  },
  notifications: {
    mappers: {
      Notification: '../data/notifications#Notification as NotificationModel',
      NotificationDelivery: '../data/notifications#Notification as NotificationModel',
      NotificationDeliveryAttempt: '../data/notifications#DeliveryAttempt as DeliveryAttemptModel',
      NotificationConnection: '../domain/feed-service#FeedConnection',
      // Users are owned by the users subgraph: notifications only knows (and returns) their key.
      User: '../../../../shared/entities#EntityRef',
    },
  },
};

const stray = Object.keys(subgraphs).filter((name) => !(SUBGRAPH_NAMES as readonly string[]).includes(name));
if (stray.length) throw new Error(`codegen.ts has mappers for ${stray.join(', ')}, not in shared/services.ts`);

const config: CodegenConfig = {
  overwrite: true,
  generates: Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [
      `subgraphs/${name}/src/__generated__/resolvers-types.ts`,
      {
        schema: `schema/${name}.graphql`,
        plugins: [
          { add: { content: '// Generated by `npm run codegen` (codegen.ts) from the SDL in schema/. Do not edit.' } },
          'typescript',
          'typescript-resolvers',
        ],
        config: {
          federation: true,
          useIndexSignature: true,
          useTypeImports: true,
          enumsAsTypes: true,
          contextType: '../context#Context',
          // Matches shared/scalars.ts: parsed arguments are Dates; resolvers may return a Date
          // or an ISO string, which the scalar serializes.
          scalars: { DateTime: { input: 'Date', output: 'Date | string' }, Long: 'number' },
          mappers: subgraphs[name]?.mappers ?? {},
        },
      },
    ]),
  ),
};

export default config;
