-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "support";

-- Hand-written: accent folding for FAQ search. `unaccent` is a trusted extension shipped with
-- both the Debian Postgres and embedded-postgres. It is STABLE (it reads a dictionary), and a
-- generated column needs an IMMUTABLE expression: the wrapper pins the dictionary, the usual
-- idiom. Fully qualified names, so restores with an empty search_path work.
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
CREATE OR REPLACE FUNCTION "support"."immutable_unaccent"(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- CreateEnum
CREATE TYPE "support"."SupportTicketStatus" AS ENUM ('NEW', 'OPEN', 'PENDING', 'ON_HOLD', 'RESOLVED', 'CLOSED');

-- CreateEnum
CREATE TYPE "support"."SupportPriority" AS ENUM ('LOW', 'NORMAL', 'HIGH', 'URGENT');

-- CreateEnum
CREATE TYPE "support"."SupportChannel" AS ENUM ('WEB', 'WIDGET', 'IMPORT');

-- CreateEnum
CREATE TYPE "support"."MessageAuthorKind" AS ENUM ('USER', 'GUEST', 'SYSTEM');

-- CreateEnum
CREATE TYPE "support"."MessageFormat" AS ENUM ('PLAIN', 'MARKDOWN');

-- CreateTable
CREATE TABLE "support"."categories" (
    "id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "slug" VARCHAR(100) NOT NULL,
    "description" VARCHAR(1000) NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "categories_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "support"."tickets" (
    "id" UUID NOT NULL,
    "number" SERIAL NOT NULL,
    "subject" VARCHAR(200) NOT NULL,
    "status" "support"."SupportTicketStatus" NOT NULL DEFAULT 'NEW',
    "priority" "support"."SupportPriority" NOT NULL DEFAULT 'NORMAL',
    "channel" "support"."SupportChannel" NOT NULL,
    "category_id" UUID,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "requester_id" UUID,
    "guest_name" VARCHAR(120),
    "guest_email" VARCHAR(254),
    "visitor_token_hash" CHAR(64),
    "assignee_id" UUID,
    "order_id" UUID,
    "event_id" UUID,
    "admission_ticket_id" UUID,
    "merged_into_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "first_response_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "sla_pauses" JSONB NOT NULL DEFAULT '[]',
    "sla_due_at" TIMESTAMPTZ(3),
    "sla_breached" BOOLEAN NOT NULL DEFAULT false,
    "rating" SMALLINT,
    "rating_comment" VARCHAR(2000),
    "rated_at" TIMESTAMPTZ(3),
    "source" VARCHAR(50),
    "external_id" VARCHAR(100),

    CONSTRAINT "tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "support"."messages" (
    "id" UUID NOT NULL,
    "ticket_id" UUID NOT NULL,
    "author_kind" "support"."MessageAuthorKind" NOT NULL,
    "author_id" UUID,
    "author_name" VARCHAR(120),
    "body" VARCHAR(20000) NOT NULL,
    "format" "support"."MessageFormat" NOT NULL DEFAULT 'PLAIN',
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "external_id" VARCHAR(100),

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "support"."canned_responses" (
    "id" UUID NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "body" VARCHAR(20000) NOT NULL,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "canned_responses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "support"."faqs" (
    "id" UUID NOT NULL,
    "question" VARCHAR(500) NOT NULL,
    "answer" VARCHAR(20000) NOT NULL,
    "category_id" UUID,
    "locale" VARCHAR(16) NOT NULL,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    -- Hand-written: generated (Prisma sees a plain nullable tsvector). The Snowball stemmers
    -- recognise accented suffixes ("devolución" -> devolu), so the text is indexed both as
    -- written and with accents folded: queries typed with or without accents both match.
    "search_vector" tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector(CASE WHEN "locale" LIKE 'es%' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, "question"), 'A') ||
      setweight(to_tsvector(CASE WHEN "locale" LIKE 'es%' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, "support"."immutable_unaccent"("question")), 'A') ||
      setweight(to_tsvector(CASE WHEN "locale" LIKE 'es%' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, "answer"), 'B') ||
      setweight(to_tsvector(CASE WHEN "locale" LIKE 'es%' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, "support"."immutable_unaccent"("answer")), 'B')
    ) STORED,

    CONSTRAINT "faqs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "support"."sla_policies" (
    "priority" "support"."SupportPriority" NOT NULL,
    "first_response_minutes" INTEGER NOT NULL,
    "resolution_minutes" INTEGER NOT NULL,

    CONSTRAINT "sla_policies_pkey" PRIMARY KEY ("priority")
);

-- CreateTable
CREATE TABLE "support"."agent_availability" (
    "agent_id" UUID NOT NULL,
    "available" BOOLEAN NOT NULL DEFAULT true,
    "max_open_tickets" INTEGER NOT NULL DEFAULT 10,
    "last_assigned_at" TIMESTAMPTZ(3),

    CONSTRAINT "agent_availability_pkey" PRIMARY KEY ("agent_id")
);

-- CreateTable
CREATE TABLE "support"."rate_limits" (
    "key" VARCHAR(300) NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key","window_start")
);

-- CreateIndex
CREATE UNIQUE INDEX "categories_slug_key" ON "support"."categories"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_number_key" ON "support"."tickets"("number");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_visitor_token_hash_key" ON "support"."tickets"("visitor_token_hash");

-- CreateIndex
CREATE INDEX "tickets_status_sla_due_at_idx" ON "support"."tickets"("status", "sla_due_at");

-- CreateIndex
CREATE INDEX "tickets_assignee_id_status_idx" ON "support"."tickets"("assignee_id", "status");

-- CreateIndex
CREATE INDEX "tickets_requester_id_created_at_id_idx" ON "support"."tickets"("requester_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "tickets_guest_email_idx" ON "support"."tickets"("guest_email");

-- CreateIndex
CREATE INDEX "tickets_order_id_idx" ON "support"."tickets"("order_id");

-- CreateIndex
CREATE INDEX "tickets_event_id_idx" ON "support"."tickets"("event_id");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_source_external_id_key" ON "support"."tickets"("source", "external_id");

-- CreateIndex
CREATE INDEX "messages_ticket_id_created_at_id_idx" ON "support"."messages"("ticket_id", "created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "messages_ticket_id_external_id_key" ON "support"."messages"("ticket_id", "external_id");

-- CreateIndex
CREATE INDEX "faqs_search_vector_idx" ON "support"."faqs" USING GIN ("search_vector");

-- CreateIndex
CREATE INDEX "faqs_locale_published_idx" ON "support"."faqs"("locale", "published");

-- AddForeignKey
ALTER TABLE "support"."tickets" ADD CONSTRAINT "tickets_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "support"."categories"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "support"."tickets" ADD CONSTRAINT "tickets_merged_into_id_fkey" FOREIGN KEY ("merged_into_id") REFERENCES "support"."tickets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "support"."messages" ADD CONSTRAINT "messages_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "support"."tickets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "support"."faqs" ADD CONSTRAINT "faqs_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "support"."categories"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Hand-written: default SLA targets (business minutes), editable with setSlaPolicy.
INSERT INTO "support"."sla_policies" ("priority", "first_response_minutes", "resolution_minutes") VALUES
  ('URGENT', 60, 480),
  ('HIGH', 240, 1440),
  ('NORMAL', 480, 2880),
  ('LOW', 960, 5760);
