-- CreateTable
CREATE TABLE "notifications"."product_stock" (
    "product_id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "product_name" VARCHAR(200) NOT NULL,
    "available" INTEGER NOT NULL,
    "changed_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "product_stock_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "notifications"."low_stock_digests" (
    "seller_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "low_stock_digests_pkey" PRIMARY KEY ("seller_id","day")
);

-- CreateIndex
CREATE INDEX "product_stock_available_seller_id_idx" ON "notifications"."product_stock"("available", "seller_id");
