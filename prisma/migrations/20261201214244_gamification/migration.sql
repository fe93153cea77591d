-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "gamification";

-- CreateEnum
CREATE TYPE "gamification"."PointsTrigger" AS ENUM ('ORDER_PAID', 'MERCHANDISE_BOUGHT', 'TICKET_CHECKED_IN', 'SUPPORT_TICKET_RATED', 'ACCOUNT_REGISTERED');

-- CreateEnum
CREATE TYPE "gamification"."PointsEntryKind" AS ENUM ('AWARD', 'REVERSAL', 'ADJUSTMENT', 'REDEMPTION');

-- CreateEnum
CREATE TYPE "gamification"."BadgeKind" AS ENUM ('FIRST_TIME', 'THRESHOLD', 'WINDOWED', 'STREAK', 'COMBO');

-- CreateEnum
CREATE TYPE "gamification"."ChallengeGoal" AS ENUM ('POINTS', 'COUNT');

-- CreateTable
CREATE TABLE "gamification"."rules" (
    "id" UUID NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "trigger" "gamification"."PointsTrigger" NOT NULL,
    "fixed_points" INTEGER NOT NULL DEFAULT 0,
    "points_per_unit" INTEGER NOT NULL DEFAULT 0,
    "multiplier" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "daily_cap" INTEGER,
    "weekly_cap" INTEGER,
    "active_from" TIMESTAMPTZ(3),
    "active_until" TIMESTAMPTZ(3),
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gamification"."ledger" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "kind" "gamification"."PointsEntryKind" NOT NULL,
    "reason" VARCHAR(300) NOT NULL,
    "rule_id" UUID,
    "source_type" VARCHAR(30),
    "source_id" UUID,
    "event_id" UUID,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "local_day" DATE NOT NULL,
    "balance_after" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gamification"."balances" (
    "user_id" UUID NOT NULL,
    "balance" INTEGER NOT NULL DEFAULT 0,
    "lifetime" INTEGER NOT NULL DEFAULT 0,
    "level_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "balances_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "gamification"."period_scores" (
    "period" VARCHAR(10) NOT NULL,
    "start" DATE NOT NULL,
    "user_id" UUID NOT NULL,
    "points" INTEGER NOT NULL,
    "reached_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "period_scores_pkey" PRIMARY KEY ("period","start","user_id")
);

-- CreateTable
CREATE TABLE "gamification"."score_counts" (
    "period" VARCHAR(10) NOT NULL,
    "start" DATE NOT NULL,
    "points" INTEGER NOT NULL,
    "users" INTEGER NOT NULL,

    CONSTRAINT "score_counts_pkey" PRIMARY KEY ("period","start","points")
);

-- CreateTable
CREATE TABLE "gamification"."activities" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "trigger" "gamification"."PointsTrigger" NOT NULL,
    "source_id" UUID NOT NULL,
    "event_id" UUID,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "local_day" DATE NOT NULL,
    "voided" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "activities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gamification"."orders_seen" (
    "order_id" UUID NOT NULL,
    "buyer_id" UUID NOT NULL,
    "total_cents" INTEGER NOT NULL,
    "paid_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "orders_seen_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "gamification"."refunds_seen" (
    "refund_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "refunded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "refunds_seen_pkey" PRIMARY KEY ("refund_id")
);

-- CreateTable
CREATE TABLE "gamification"."voided_tickets" (
    "ticket_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "voided_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "voided_tickets_pkey" PRIMARY KEY ("ticket_id")
);

-- CreateTable
CREATE TABLE "gamification"."levels" (
    "id" UUID NOT NULL,
    "name" VARCHAR(80) NOT NULL,
    "description" VARCHAR(500) NOT NULL DEFAULT '',
    "threshold" INTEGER NOT NULL,
    "perks" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "levels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gamification"."badges" (
    "id" UUID NOT NULL,
    "name" VARCHAR(80) NOT NULL,
    "description" VARCHAR(500) NOT NULL DEFAULT '',
    "kind" "gamification"."BadgeKind" NOT NULL,
    "requirements" JSONB NOT NULL,
    "window_days" INTEGER,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "badges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gamification"."badge_awards" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "badge_id" UUID NOT NULL,
    "event_id" UUID,
    "awarded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "badge_awards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gamification"."rewards" (
    "id" UUID NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "description" VARCHAR(1000) NOT NULL DEFAULT '',
    "cost" INTEGER NOT NULL,
    "stock" INTEGER,
    "remaining" INTEGER,
    "per_user_limit" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rewards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gamification"."redemptions" (
    "id" UUID NOT NULL,
    "reward_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "code" VARCHAR(20) NOT NULL,
    "cost" INTEGER NOT NULL,
    "entry_id" UUID NOT NULL,
    "redeemed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "redemptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gamification"."leaderboard_visibility" (
    "user_id" UUID NOT NULL,
    "hidden" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "leaderboard_visibility_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "gamification"."challenges" (
    "id" UUID NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "description" VARCHAR(1000) NOT NULL DEFAULT '',
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "goal_kind" "gamification"."ChallengeGoal" NOT NULL,
    "trigger" "gamification"."PointsTrigger",
    "goal" INTEGER NOT NULL,
    "scope_event_id" UUID,
    "reward_points" INTEGER NOT NULL DEFAULT 0,
    "reward_badge_id" UUID,
    "closed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "challenges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gamification"."challenge_participants" (
    "challenge_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "joined_at" TIMESTAMPTZ(3) NOT NULL,
    "progress" INTEGER,
    "won" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "challenge_participants_pkey" PRIMARY KEY ("challenge_id","user_id")
);

-- CreateIndex
CREATE INDEX "rules_trigger_enabled_idx" ON "gamification"."rules"("trigger", "enabled");

-- CreateIndex
CREATE INDEX "ledger_user_id_created_at_id_idx" ON "gamification"."ledger"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "ledger_user_id_rule_id_local_day_idx" ON "gamification"."ledger"("user_id", "rule_id", "local_day");

-- CreateIndex
CREATE INDEX "ledger_source_type_source_id_idx" ON "gamification"."ledger"("source_type", "source_id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_event_id_rule_id_key" ON "gamification"."ledger"("event_id", "rule_id");

-- CreateIndex
CREATE INDEX "period_scores_rank_idx" ON "gamification"."period_scores"("period", "start", "points" DESC, "reached_at", "user_id");

-- CreateIndex
CREATE INDEX "activities_user_id_trigger_local_day_idx" ON "gamification"."activities"("user_id", "trigger", "local_day");

-- CreateIndex
CREATE UNIQUE INDEX "activities_trigger_source_id_key" ON "gamification"."activities"("trigger", "source_id");

-- CreateIndex
CREATE INDEX "refunds_seen_order_id_idx" ON "gamification"."refunds_seen"("order_id");

-- CreateIndex
CREATE UNIQUE INDEX "levels_name_key" ON "gamification"."levels"("name");

-- CreateIndex
CREATE UNIQUE INDEX "levels_threshold_key" ON "gamification"."levels"("threshold");

-- CreateIndex
CREATE UNIQUE INDEX "badges_name_key" ON "gamification"."badges"("name");

-- CreateIndex
CREATE UNIQUE INDEX "badge_awards_user_id_badge_id_key" ON "gamification"."badge_awards"("user_id", "badge_id");

-- CreateIndex
CREATE UNIQUE INDEX "redemptions_code_key" ON "gamification"."redemptions"("code");

-- CreateIndex
CREATE INDEX "redemptions_user_id_redeemed_at_id_idx" ON "gamification"."redemptions"("user_id", "redeemed_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "redemptions_reward_id_user_id_idx" ON "gamification"."redemptions"("reward_id", "user_id");

-- CreateIndex
CREATE INDEX "challenges_closed_at_ends_at_idx" ON "gamification"."challenges"("closed_at", "ends_at");

-- AddForeignKey
ALTER TABLE "gamification"."badge_awards" ADD CONSTRAINT "badge_awards_badge_id_fkey" FOREIGN KEY ("badge_id") REFERENCES "gamification"."badges"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gamification"."redemptions" ADD CONSTRAINT "redemptions_reward_id_fkey" FOREIGN KEY ("reward_id") REFERENCES "gamification"."rewards"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gamification"."challenge_participants" ADD CONSTRAINT "challenge_participants_challenge_id_fkey" FOREIGN KEY ("challenge_id") REFERENCES "gamification"."challenges"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
