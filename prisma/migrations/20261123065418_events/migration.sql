-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "events";

-- CreateTable
CREATE TABLE "events"."outbox" (
    "id" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "type" VARCHAR(100) NOT NULL,
    "producer" VARCHAR(50) NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seq" BIGINT,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "events"."processed_events" (
    "consumer" VARCHAR(100) NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer","event_id")
);

-- CreateTable
CREATE TABLE "events"."consumer_cursors" (
    "consumer" VARCHAR(100) NOT NULL,
    "seq" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "consumer_cursors_pkey" PRIMARY KEY ("consumer")
);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_event_id_key" ON "events"."outbox"("event_id");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_seq_key" ON "events"."outbox"("seq");

-- CreateIndex
CREATE INDEX "outbox_published_at_id_idx" ON "events"."outbox"("published_at", "id");
