-- CreateTable
CREATE TABLE "reports"."gamification_facts" (
    "kind" VARCHAR(8) NOT NULL,
    "key" VARCHAR(80) NOT NULL,
    "user_id" UUID NOT NULL,
    "amount" INTEGER NOT NULL DEFAULT 0,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gamification_facts_pkey" PRIMARY KEY ("kind","key")
);

-- CreateIndex
CREATE INDEX "gamification_facts_occurred_at_idx" ON "reports"."gamification_facts"("occurred_at");
