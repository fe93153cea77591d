-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "tickets";

-- CreateEnum
CREATE TYPE "tickets"."EventStatus" AS ENUM ('DRAFT', 'PUBLISHED', 'CANCELLED', 'COMPLETED');

-- CreateEnum
CREATE TYPE "tickets"."TicketStatus" AS ENUM ('VALID', 'CHECKED_IN', 'VOIDED');

-- CreateTable
CREATE TABLE "tickets"."events" (
    "id" UUID NOT NULL,
    "organizer_id" UUID NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "description" VARCHAR(10000) NOT NULL DEFAULT '',
    "venue_name" VARCHAR(200) NOT NULL,
    "venue_address" VARCHAR(300) NOT NULL,
    "venue_city" VARCHAR(100) NOT NULL,
    "venue_country" CHAR(2) NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "status" "tickets"."EventStatus" NOT NULL DEFAULT 'DRAFT',
    "cover_image_url" VARCHAR(2048),
    "cancel_reason" VARCHAR(1000),
    "cancelled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tickets"."ticket_types" (
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "max_per_order" INTEGER NOT NULL,
    "sales_start_at" TIMESTAMPTZ(3),
    "sales_end_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ticket_types_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tickets"."tickets" (
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "ticket_type_id" UUID NOT NULL,
    "holder_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "order_line_id" UUID NOT NULL,
    "seat_index" INTEGER NOT NULL,
    "status" "tickets"."TicketStatus" NOT NULL DEFAULT 'VALID',
    "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checked_in_at" TIMESTAMPTZ(3),
    "voided_at" TIMESTAMPTZ(3),

    CONSTRAINT "tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tickets"."check_ins" (
    "id" UUID NOT NULL,
    "ticket_id" UUID NOT NULL,
    "nonce" VARCHAR(128) NOT NULL,
    "scanner_id" UUID NOT NULL,
    "checked_in_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "check_ins_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tickets"."event_scanners" (
    "event_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "assigned_by" UUID NOT NULL,
    "assigned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_scanners_pkey" PRIMARY KEY ("event_id","user_id")
);

-- CreateIndex
CREATE INDEX "events_status_starts_at_id_idx" ON "tickets"."events"("status", "starts_at", "id");

-- CreateIndex
CREATE INDEX "events_organizer_id_idx" ON "tickets"."events"("organizer_id");

-- CreateIndex
CREATE INDEX "ticket_types_event_id_created_at_idx" ON "tickets"."ticket_types"("event_id", "created_at");

-- CreateIndex
CREATE INDEX "tickets_holder_id_issued_at_id_idx" ON "tickets"."tickets"("holder_id", "issued_at", "id");

-- CreateIndex
CREATE INDEX "tickets_order_id_idx" ON "tickets"."tickets"("order_id");

-- CreateIndex
CREATE INDEX "tickets_event_id_idx" ON "tickets"."tickets"("event_id");

-- CreateIndex
CREATE INDEX "tickets_ticket_type_id_status_idx" ON "tickets"."tickets"("ticket_type_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_order_line_id_seat_index_key" ON "tickets"."tickets"("order_line_id", "seat_index");

-- CreateIndex
CREATE UNIQUE INDEX "check_ins_ticket_id_key" ON "tickets"."check_ins"("ticket_id");

-- CreateIndex
CREATE UNIQUE INDEX "check_ins_nonce_key" ON "tickets"."check_ins"("nonce");

-- AddForeignKey
ALTER TABLE "tickets"."ticket_types" ADD CONSTRAINT "ticket_types_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "tickets"."events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tickets"."tickets" ADD CONSTRAINT "tickets_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "tickets"."events"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tickets"."tickets" ADD CONSTRAINT "tickets_ticket_type_id_fkey" FOREIGN KEY ("ticket_type_id") REFERENCES "tickets"."ticket_types"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tickets"."check_ins" ADD CONSTRAINT "check_ins_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "tickets"."tickets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tickets"."event_scanners" ADD CONSTRAINT "event_scanners_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "tickets"."events"("id") ON DELETE CASCADE ON UPDATE CASCADE;
