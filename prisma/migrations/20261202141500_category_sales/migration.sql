-- AlterTable
ALTER TABLE "orders"."order_lines" ADD COLUMN     "category_id" UUID;

-- CreateTable
CREATE TABLE "reports"."categories" (
    "category_id" UUID NOT NULL,
    "parent_id" UUID,
    "name" VARCHAR(120) NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "categories_pkey" PRIMARY KEY ("category_id")
);

-- CreateTable
CREATE TABLE "reports"."category_sales" (
    "seller_id" UUID NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "category_id" UUID NOT NULL,
    "gross_cents" BIGINT NOT NULL DEFAULT 0,
    "refund_cents" BIGINT NOT NULL DEFAULT 0,
    "units_sold" INTEGER NOT NULL DEFAULT 0,
    "units_refunded" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "category_sales_pkey" PRIMARY KEY ("seller_id","currency","bucket","category_id")
);

-- CreateIndex
CREATE INDEX "categories_parent_id_idx" ON "reports"."categories"("parent_id");

-- CreateIndex
CREATE INDEX "category_sales_bucket_idx" ON "reports"."category_sales"("bucket");
