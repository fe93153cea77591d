-- AlterTable
ALTER TABLE "gamification"."challenges" ADD COLUMN     "scope_organizer_id" UUID;

-- CreateTable
CREATE TABLE "gamification"."order_sellers_seen" (
    "order_id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,

    CONSTRAINT "order_sellers_seen_pkey" PRIMARY KEY ("order_id","seller_id")
);

-- CreateTable
CREATE TABLE "gamification"."event_organizers_seen" (
    "event_id" UUID NOT NULL,
    "organizer_id" UUID NOT NULL,

    CONSTRAINT "event_organizers_seen_pkey" PRIMARY KEY ("event_id")
);

-- CreateIndex
CREATE INDEX "order_sellers_seen_seller_id_idx" ON "gamification"."order_sellers_seen"("seller_id");

-- CreateIndex
CREATE INDEX "challenge_participants_user_id_idx" ON "gamification"."challenge_participants"("user_id");

-- CreateIndex
CREATE INDEX "orders_seen_buyer_id_idx" ON "gamification"."orders_seen"("buyer_id");
