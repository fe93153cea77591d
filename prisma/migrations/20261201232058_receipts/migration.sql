-- CreateEnum
CREATE TYPE "gamification"."ReceiptStatus" AS ENUM ('PROCESSING', 'APPROVED', 'NEEDS_REVIEW', 'REJECTED', 'DUPLICATE');

-- AlterEnum
ALTER TYPE "gamification"."PointsTrigger" ADD VALUE 'RECEIPT_APPROVED';

-- CreateTable
CREATE TABLE "gamification"."receipt_uploads" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "storage_key" VARCHAR(200) NOT NULL,
    "content_type" VARCHAR(40) NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "receipt_id" UUID,

    CONSTRAINT "receipt_uploads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gamification"."receipts" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "upload_id" UUID NOT NULL,
    "status" "gamification"."ReceiptStatus" NOT NULL DEFAULT 'PROCESSING',
    "content_hash" CHAR(64) NOT NULL,
    "storage_key" VARCHAR(200) NOT NULL,
    "content_type" VARCHAR(40) NOT NULL,
    "normalized_key" VARCHAR(200),
    "method" VARCHAR(20),
    "fiscal_format" VARCHAR(20),
    "confidence" DOUBLE PRECISION,
    "merchant_name" VARCHAR(200),
    "merchant_tax_id" VARCHAR(20),
    "receipt_number" VARCHAR(80),
    "purchased_at" TIMESTAMPTZ(3),
    "total_cents" INTEGER,
    "currency" CHAR(3),
    "country" CHAR(2),
    "lines" JSONB NOT NULL DEFAULT '[]',
    "rejection_reason" VARCHAR(40),
    "duplicate_of_id" UUID,
    "extraction" JSONB NOT NULL DEFAULT '[]',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lease_until" TIMESTAMPTZ(3),
    "lease_token" UUID,
    "reviewed_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "receipts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gamification"."receipt_identities" (
    "kind" VARCHAR(10) NOT NULL,
    "value" VARCHAR(200) NOT NULL,
    "receipt_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "receipt_identities_pkey" PRIMARY KEY ("kind","value")
);

-- CreateIndex
CREATE UNIQUE INDEX "receipt_uploads_receipt_id_key" ON "gamification"."receipt_uploads"("receipt_id");

-- CreateIndex
CREATE INDEX "receipt_uploads_expires_at_idx" ON "gamification"."receipt_uploads"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "receipts_upload_id_key" ON "gamification"."receipts"("upload_id");

-- CreateIndex
CREATE INDEX "receipts_status_lease_until_idx" ON "gamification"."receipts"("status", "lease_until");

-- CreateIndex
CREATE INDEX "receipts_user_id_created_at_id_idx" ON "gamification"."receipts"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "receipts_status_created_at_id_idx" ON "gamification"."receipts"("status", "created_at", "id");

-- CreateIndex
CREATE INDEX "receipt_identities_receipt_id_idx" ON "gamification"."receipt_identities"("receipt_id");
