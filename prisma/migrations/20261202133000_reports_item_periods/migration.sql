-- CreateTable
CREATE TABLE "reports"."sales_item_buckets" (
    "item_kind" VARCHAR(8) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "item_id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "gross_cents" BIGINT NOT NULL DEFAULT 0,
    "refund_cents" BIGINT NOT NULL DEFAULT 0,
    "units_sold" INTEGER NOT NULL DEFAULT 0,
    "units_refunded" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "sales_item_buckets_pkey" PRIMARY KEY ("item_kind","currency","bucket","item_id")
);

-- CreateIndex
CREATE INDEX "sales_item_buckets_seller_id_item_kind_currency_bucket_idx" ON "reports"."sales_item_buckets"("seller_id", "item_kind", "currency", "bucket");

-- CreateIndex
CREATE INDEX "sales_buckets_scope_kind_currency_bucket_idx" ON "reports"."sales_buckets"("scope_kind", "currency", "bucket");
