-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "reports";

-- CreateTable
CREATE TABLE "reports"."sales_buckets" (
    "scope_kind" VARCHAR(8) NOT NULL,
    "scope_id" UUID NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "gross_cents" BIGINT NOT NULL DEFAULT 0,
    "refunds" INTEGER NOT NULL DEFAULT 0,
    "refund_cents" BIGINT NOT NULL DEFAULT 0,
    "tickets_sold" INTEGER NOT NULL DEFAULT 0,
    "tickets_refunded" INTEGER NOT NULL DEFAULT 0,
    "units_sold" INTEGER NOT NULL DEFAULT 0,
    "units_refunded" INTEGER NOT NULL DEFAULT 0,
    "cancelled_orders" INTEGER NOT NULL DEFAULT 0,
    "cancelled_cents" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "sales_buckets_pkey" PRIMARY KEY ("scope_kind","scope_id","bucket","currency")
);

-- CreateTable
CREATE TABLE "reports"."event_owners" (
    "event_id" UUID NOT NULL,
    "organizer_id" UUID NOT NULL,

    CONSTRAINT "event_owners_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "reports"."event_attendance" (
    "event_id" UUID NOT NULL,
    "issued" INTEGER NOT NULL DEFAULT 0,
    "voided" INTEGER NOT NULL DEFAULT 0,
    "checked_in" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "event_attendance_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "reports"."check_ins" (
    "ticket_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "holder_id" UUID NOT NULL,
    "checked_in_at" TIMESTAMPTZ(3),
    "voided" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "check_ins_pkey" PRIMARY KEY ("ticket_id")
);

-- CreateTable
CREATE TABLE "reports"."support_tickets" (
    "ticket_id" UUID NOT NULL,
    "number" INTEGER,
    "channel" VARCHAR(16),
    "priority" VARCHAR(16),
    "created_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "first_response_at" TIMESTAMPTZ(3),
    "sla_breached" BOOLEAN NOT NULL DEFAULT false,
    "rating" INTEGER,

    CONSTRAINT "support_tickets_pkey" PRIMARY KEY ("ticket_id")
);

-- CreateTable
CREATE TABLE "reports"."registered_users" (
    "user_id" UUID NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "registered_users_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "reports"."points_entries" (
    "entry_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "points_entries_pkey" PRIMARY KEY ("entry_id")
);

-- CreateTable
CREATE TABLE "reports"."sales_items" (
    "item_kind" VARCHAR(8) NOT NULL,
    "item_id" UUID NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "seller_id" UUID NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "gross_cents" BIGINT NOT NULL DEFAULT 0,
    "refund_cents" BIGINT NOT NULL DEFAULT 0,
    "units_sold" INTEGER NOT NULL DEFAULT 0,
    "units_refunded" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "sales_items_pkey" PRIMARY KEY ("item_kind","item_id","currency")
);

-- CreateIndex
CREATE INDEX "event_owners_organizer_id_idx" ON "reports"."event_owners"("organizer_id");

-- CreateIndex
CREATE INDEX "check_ins_checked_in_at_idx" ON "reports"."check_ins"("checked_in_at");

-- CreateIndex
CREATE INDEX "check_ins_event_id_checked_in_at_idx" ON "reports"."check_ins"("event_id", "checked_in_at");

-- CreateIndex
CREATE INDEX "support_tickets_resolved_at_created_at_idx" ON "reports"."support_tickets"("resolved_at", "created_at");

-- CreateIndex
CREATE INDEX "registered_users_registered_at_idx" ON "reports"."registered_users"("registered_at");

-- CreateIndex
CREATE INDEX "points_entries_occurred_at_idx" ON "reports"."points_entries"("occurred_at");

-- CreateIndex
CREATE INDEX "sales_items_seller_id_idx" ON "reports"."sales_items"("seller_id");
