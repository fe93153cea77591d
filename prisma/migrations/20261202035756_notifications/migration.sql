-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "notifications";

-- CreateEnum
CREATE TYPE "notifications"."NotificationStatus" AS ENUM ('PENDING', 'SENT', 'FAILED', 'SUPPRESSED');

-- CreateEnum
CREATE TYPE "notifications"."NotificationCategory" AS ENUM ('TRANSACTIONAL', 'MARKETING');

-- CreateTable
CREATE TABLE "notifications"."recipients" (
    "user_id" UUID NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "locale" VARCHAR(16) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "recipients_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "notifications"."notifications" (
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "recipient_key" VARCHAR(300) NOT NULL,
    "template" VARCHAR(60) NOT NULL,
    "category" "notifications"."NotificationCategory" NOT NULL,
    "user_id" UUID,
    "to_email" VARCHAR(254) NOT NULL,
    "locale" VARCHAR(16) NOT NULL,
    "subject" VARCHAR(300) NOT NULL,
    "summary" VARCHAR(500) NOT NULL,
    "html" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "images" JSONB NOT NULL DEFAULT '[]',
    "status" "notifications"."NotificationStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" VARCHAR(1000),
    "sent_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications"."delivery_attempts" (
    "id" UUID NOT NULL,
    "notification_id" UUID NOT NULL,
    "attempted_at" TIMESTAMPTZ(3) NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "response" VARCHAR(1000) NOT NULL,

    CONSTRAINT "delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications"."preferences" (
    "user_id" UUID NOT NULL,
    "marketing_email" BOOLEAN NOT NULL DEFAULT true,
    "unsubscribe_token" VARCHAR(64) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "preferences_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "notifications"."paid_orders" (
    "order_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "buyer_id" UUID NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "total_cents" INTEGER NOT NULL,
    "lines" JSONB NOT NULL,
    "paid_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "paid_orders_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "notifications"."ticket_holders" (
    "ticket_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "holder_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,

    CONSTRAINT "ticket_holders_pkey" PRIMARY KEY ("ticket_id")
);

-- CreateIndex
CREATE INDEX "notifications_status_next_attempt_at_idx" ON "notifications"."notifications"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "notifications_user_id_created_at_id_idx" ON "notifications"."notifications"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "notifications_event_id_recipient_key_template_key" ON "notifications"."notifications"("event_id", "recipient_key", "template");

-- CreateIndex
CREATE INDEX "delivery_attempts_notification_id_attempted_at_idx" ON "notifications"."delivery_attempts"("notification_id", "attempted_at");

-- CreateIndex
CREATE UNIQUE INDEX "preferences_unsubscribe_token_key" ON "notifications"."preferences"("unsubscribe_token");

-- CreateIndex
CREATE INDEX "ticket_holders_event_id_idx" ON "notifications"."ticket_holders"("event_id");

-- AddForeignKey
ALTER TABLE "notifications"."delivery_attempts" ADD CONSTRAINT "delivery_attempts_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"."notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;
