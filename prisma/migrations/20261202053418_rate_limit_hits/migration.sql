-- Counters are ephemeral (a window at most): drop them rather than convert them.
DELETE FROM "support"."rate_limits";

-- AlterTable
ALTER TABLE "support"."rate_limits" DROP CONSTRAINT "rate_limits_pkey",
DROP COLUMN "count",
DROP COLUMN "window_start",
ADD COLUMN     "at" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN     "id" BIGSERIAL NOT NULL,
ADD CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("id");

-- CreateTable
CREATE TABLE "users"."rate_limits" (
    "id" BIGSERIAL NOT NULL,
    "key" VARCHAR(300) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "rate_limits_key_at_idx" ON "users"."rate_limits"("key", "at");

-- CreateIndex
CREATE INDEX "rate_limits_key_at_idx" ON "support"."rate_limits"("key", "at");
