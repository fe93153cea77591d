/**
 * Every domain event, by name, with its payload. docs/events.md says who produces and who
 * consumes each. Payloads are JSON: ids as strings, instants as ISO strings, money in cents.
 * Add an event here first; `emit` and consumers are typed from this map.
 */
/** An order line as order events carry it: `ticketTypeId` (and `eventId`) xor `productId`. */
export type EventOrderLine = {
  orderLineId: string;
  ticketTypeId: string | null;
  eventId: string | null;
  productId: string | null;
  /** The organizer selling the line: the event's organizer for a ticket line, the product's seller. */
  sellerId: string;
  /** Units (of a refund: the units it returns). */
  quantity: number;
  unitPriceCents: number;
  /**
   * A product line's category when the order was placed (null: a ticket line, or a product
   * without one). Absent in events emitted before it existed: read as uncategorised.
   */
  categoryId?: string | null;
};

export interface EventCatalog {
  /**
   * users → support (`support.user-directory`): a user was registered, or their email, name,
   * roles or status changed. Carries the user's whole current state, not a diff. `changedAt`
   * is the user's version: it strictly increases from one event of a user to the next (in
   * commit order), so a consumer keeps the event with the latest `changedAt` and ignores
   * older ones delivered late.
   */
  UserChanged: {
    userId: string;
    email: string;
    name: string;
    roles: ('CUSTOMER' | 'ORGANIZER' | 'SCANNER' | 'AGENT' | 'ADMIN')[];
    status: 'ACTIVE' | 'DISABLED';
    /**
     * Whether the user proved they read mail at `email` (verifyEmail, resetPassword). Absent in
     * events emitted before it existed: read as false.
     */
    emailVerified?: boolean;
    /** The user's preferred locale (BCP 47, e.g. `es-ES`), which their mail is written in. Absent in older events. */
    locale?: string;
    changedAt: string;
  };
  /**
   * users → notifications: mail `email` a link proving they own it. Carries the raw single-use
   * token, since the mail must contain it (users stores only its hash): it is worthless once
   * used, superseded by a newer one, or past `expiresAt` (docs/events.md, "Tokens in events").
   */
  EmailVerificationRequested: {
    userId: string;
    email: string;
    name: string;
    locale: string;
    token: string;
    expiresAt: string;
    requestedAt: string;
  };
  /**
   * users → notifications: mail `email` a password-reset link (requestPasswordReset for an
   * existing, active account). The raw token, as for EmailVerificationRequested; expires soon.
   */
  PasswordResetRequested: {
    userId: string;
    email: string;
    name: string;
    locale: string;
    token: string;
    expiresAt: string;
    requestedAt: string;
  };
  /** tickets → orders: a ticket type was created or changed (orders keeps a local copy to sell it). */
  TicketTypeChanged: {
    ticketTypeId: string;
    eventId: string;
    organizerId: string;
    name: string;
    priceCents: number;
    currency: string;
    capacity: number;
    maxPerOrder: number;
    salesStartAt: string | null;
    salesEndAt: string | null;
    /** The event's status: only PUBLISHED events sell. */
    eventStatus: string;
  };
  /**
   * tickets → support (`support.known-entities`): an event was published, so customers may
   * refer to it (a draft is known to its organizer only). Emitted once per event, in the
   * transaction that publishes it; the event stays referable when later cancelled or completed.
   */
  EventPublished: {
    eventId: string;
    organizerId: string;
    publishedAt: string;
  };
  /** tickets → orders: an event was cancelled; orders refunds every paid order holding its tickets. */
  EventCancelled: {
    eventId: string;
    organizerId: string;
    /** The event's title, for the mail to its ticket holders (absent in events emitted before it was added). */
    title?: string;
    reason: string;
    cancelledAt: string;
  };
  /**
   * orders → support (`support.known-entities`): a buyer placed an order (checkout created it,
   * PENDING_PAYMENT). Emitted once per order, in checkout's transaction. Whose order it is
   * never changes.
   */
  OrderPlaced: {
    orderId: string;
    buyerId: string;
    placedAt: string;
  };
  /**
   * orders → tickets (issues the tickets), gamification, reports: an order was paid. Emitted
   * exactly once per order, in the transaction that moves it to PAID.
   */
  OrderPaid: {
    orderId: string;
    buyerId: string;
    currency: string;
    totalCents: number;
    paidAt: string;
    /** Every line, tickets and products alike; `ticketTypeId` xor `productId`. */
    lines: EventOrderLine[];
  };
  /**
   * orders → tickets (voids the tickets of these lines), gamification, reports: part or all of
   * a paid order was refunded. `quantity` per line is how many units this refund returns.
   */
  OrderRefunded: {
    orderId: string;
    refundId: string;
    buyerId: string;
    reason: string;
    amountCents: number;
    currency: string;
    /** The refunded units; `eventId`, `sellerId` and `unitPriceCents` as in the line's `OrderPaid`. */
    lines: EventOrderLine[];
    refundedAt: string;
  };
  /**
   * orders → reports: an unpaid order was closed without payment (cancelled by its buyer or
   * with its event, its hold expired, or its payment failed), in the transaction that closed
   * it. Once per order; a paid order is never cancelled (it is refunded: `OrderRefunded`).
   */
  OrderCancelled: {
    orderId: string;
    buyerId: string;
    status: 'CANCELLED' | 'EXPIRED' | 'PAYMENT_FAILED';
    currency: string;
    totalCents: number;
    /** Every line, as in `OrderPaid`. */
    lines: EventOrderLine[];
    closedAt: string;
  };
  /**
   * orders → reports (`reports.read-model`: the category tree of `categorySales`): a category
   * was created, renamed or moved, in that transaction. Carries the category's whole state;
   * `changedAt` is its version (a consumer keeps the latest). `parentId` null: a top-level
   * category.
   */
  CategoryChanged: {
    categoryId: string;
    parentId: string | null;
    name: string;
    changedAt: string;
  };
  /**
   * orders → reports (`reports.read-model`: low stock): a product's stock changed (checkout
   * reserved units, a release on cancel or expiry, a payment took them out, a refund returned
   * them, its seller received or corrected stock). Carries the product's whole stock over all
   * warehouses after the change, not a diff; at most one per product per transaction (the
   * state it commits). `changedAt` is the version: taken under the product's row lock, it
   * increases in commit order per product (microseconds), so a consumer keeps the latest.
   */
  StockChanged: {
    productId: string;
    sellerId: string;
    productName: string;
    categoryId: string | null;
    /** Units in the warehouses, held ones included. */
    onHand: number;
    /** Units reserved by unpaid orders. */
    held: number;
    /** Units still for sale: onHand - held. */
    available: number;
    changedAt: string;
  };
  /**
   * tickets → orders (live `orderUpdated` events): tickets of an order were issued or voided,
   * in the consumer transaction that did it. Not emitted when a redelivery changed nothing.
   */
  OrderTicketsChanged: {
    orderId: string;
    issued: number;
    voided: number;
    changedAt: string;
  };
  /**
   * tickets → support (`support.known-entities`): admission tickets were issued, in the
   * consumer transaction that issued them; each ticket is in exactly one such event (a
   * redelivered `OrderPaid` issues nothing and emits nothing). A ticket's holder and event
   * never change (a voided ticket keeps both).
   */
  TicketsIssued: {
    orderId: string;
    tickets: {
      ticketId: string;
      eventId: string;
      holderId: string;
      /** What notifications mails with the ticket (absent in events emitted before they were added). */
      ticketTypeId?: string;
      ticketTypeName?: string;
      eventTitle?: string;
      startsAt?: string;
      venueName?: string;
      /** The ticket's signed QR code, as `Ticket.qr` gives it: the mailed PNG encodes it. */
      qr?: string;
    }[];
    issuedAt: string;
  };
  /** support → reports: a support ticket was opened (any channel but IMPORT). */
  SupportTicketCreated: {
    ticketId: string;
    number: number;
    /** Null for a widget guest. */
    requesterId: string | null;
    channel: 'WEB' | 'WIDGET';
    priority: string;
    categoryId: string | null;
    createdAt: string;
  };
  /**
   * support → notifications: a ticket was opened from the website widget; mail `guestEmail` a
   * link to it. Carries the raw visitor token, since the mail must contain it (support stores
   * only its hash): it opens this one ticket (docs/events.md, "Tokens in events"). Emitted once,
   * in the opening transaction, besides `SupportTicketCreated`.
   */
  SupportWidgetTicketOpened: {
    ticketId: string;
    number: number;
    subject: string;
    guestName: string;
    guestEmail: string;
    visitorToken: string;
    createdAt: string;
  };
  /**
   * support → notifications, reports: an agent's reply to the customer was added to a ticket
   * (not an internal note, not the customer's own message), in the reply's transaction; mail it
   * to the requester: the user `requesterId`, or else the guest at `guestEmail`. reports reads
   * the first response from it.
   */
  SupportReplyPosted: {
    ticketId: string;
    number: number;
    subject: string;
    messageId: string;
    /** The reply as written (Markdown or plain text, as `format` says). */
    body: string;
    format: 'PLAIN' | 'MARKDOWN';
    requesterId: string | null;
    guestName: string | null;
    guestEmail: string | null;
    postedAt: string;
    /**
     * The ticket's first response to the customer as of this reply (this reply's `postedAt`
     * when it is the first). Absent in events emitted before it was added: every such event
     * was an agent's reply, so the earliest `postedAt` of a ticket is its first response.
     */
    firstResponseAt?: string;
  };
  /**
   * support → notifications, reports: a ticket's SLA (first response or resolution) went past
   * due, once per ticket (the breach is sticky), in the transaction that recorded it; alert the
   * assignee.
   */
  SupportSlaBreached: {
    ticketId: string;
    number: number;
    subject: string;
    priority: string;
    /** Null for an unassigned ticket (no one to alert). */
    assigneeId: string | null;
    breachedAt: string;
  };
  /**
   * support → gamification, reports: a ticket was resolved (again, if reopened). Also
   * emitted when the requester rates it, with `satisfaction` set: the last event of a ticket
   * carries its final rating.
   */
  SupportTicketResolved: {
    ticketId: string;
    number: number;
    requesterId: string | null;
    assigneeId: string | null;
    resolvedAt: string;
    firstResponseAt: string | null;
    slaBreached: boolean;
    satisfaction: { rating: number; comment: string | null } | null;
  };
  /**
   * tickets → gamification: a scan at the door was accepted (the ticket moved to CHECKED_IN),
   * in the check-in's transaction. Once per ticket.
   */
  TicketCheckedIn: {
    ticketId: string;
    eventId: string;
    orderId: string;
    holderId: string;
    checkedInAt: string;
  };
  /**
   * tickets → gamification: a ticket was voided (a refund, a cancelled event), in the
   * transaction that voided it. Once per ticket; `wasCheckedIn` says whether it had been scanned.
   */
  TicketVoided: {
    ticketId: string;
    eventId: string;
    orderId: string;
    holderId: string;
    wasCheckedIn: boolean;
    voidedAt: string;
  };
  /** support → gamification, reports: the requester rated a support ticket (1-5), in the rating's transaction. */
  SupportTicketRated: {
    ticketId: string;
    requesterId: string;
    rating: number;
    comment: string | null;
    ratedAt: string;
  };
  /**
   * gamification → reports, notifications: a ledger entry changed a user's points (an award,
   * a reversal, an ADMIN adjustment or a redemption), with the totals after it.
   */
  PointsAwarded: {
    entryId: string;
    userId: string;
    amount: number;
    kind: 'AWARD' | 'REVERSAL' | 'ADJUSTMENT' | 'REDEMPTION';
    reason: string;
    ruleId: string | null;
    sourceType: string | null;
    sourceId: string | null;
    balance: number;
    lifetimePoints: number;
    occurredAt: string;
  };
  /** gamification → notifications, reports: a user's lifetime points reached a higher level. */
  LevelReached: {
    userId: string;
    levelId: string;
    name: string;
    threshold: number;
    lifetimePoints: number;
    reachedAt: string;
  };
  /** gamification → notifications, reports: a user earned a badge (once per user and badge). */
  BadgeAwarded: {
    userId: string;
    badgeId: string;
    name: string;
    awardedAt: string;
  };
  /**
   * gamification → notifications: a participant won a challenge (reached its goal within its
   * window), emitted once per challenge and winner, in the transaction that closes the
   * challenge and posts the reward.
   */
  ChallengeWon: {
    challengeId: string;
    userId: string;
    name: string;
    goal: number;
    progress: number;
    /** The reward: points (0 for none) and the badge's name (null for none). */
    rewardPoints: number;
    badgeName: string | null;
    endsAt: string;
    wonAt: string;
  };
  /** gamification → reports: a user spent points on a reward. */
  RewardRedeemed: {
    redemptionId: string;
    rewardId: string;
    userId: string;
    cost: number;
    redeemedAt: string;
  };
  /**
   * gamification → gamification (`gamification.points`: the RECEIPT_APPROVED earning rules),
   * reports: a user's shop receipt was approved (by extraction or by an ADMIN's review),
   * once per receipt, in the approving transaction. `purchasedAt` is when the purchase happened.
   */
  ReceiptApproved: {
    receiptId: string;
    userId: string;
    amountCents: number;
    currency: string;
    merchantName: string | null;
    merchantTaxId: string | null;
    purchasedAt: string;
    approvedAt: string;
  };
}

export type EventType = keyof EventCatalog;

/** An event as consumers receive it. */
export interface DomainEvent<T extends EventType = EventType> {
  eventId: string;
  type: T;
  producer: string;
  payload: EventCatalog[T];
  createdAt: string;
  /** Delivery order: increases in commit order. */
  seq: string;
}
