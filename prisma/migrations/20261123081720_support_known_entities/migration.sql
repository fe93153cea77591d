-- Copies kept by support of the orders, admission tickets and events customers may link to a
-- support ticket, fed by OrderPlaced, TicketsIssued and EventPublished (consumer
-- support.known-entities), replacing the reads by support of the orders and tickets schemas.
-- No backfill: orders, tickets and events that existed before this migration would be
-- unknown to support (links to them refused), acceptable only because no database predates it
-- (the project is unreleased and every database is migrated from scratch, seed included).

-- CreateTable
CREATE TABLE "support"."known_orders" (
    "order_id" UUID NOT NULL,
    "buyer_id" UUID NOT NULL,

    CONSTRAINT "known_orders_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "support"."known_tickets" (
    "ticket_id" UUID NOT NULL,
    "holder_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,

    CONSTRAINT "known_tickets_pkey" PRIMARY KEY ("ticket_id")
);

-- CreateTable
CREATE TABLE "support"."known_events" (
    "event_id" UUID NOT NULL,

    CONSTRAINT "known_events_pkey" PRIMARY KEY ("event_id")
);
