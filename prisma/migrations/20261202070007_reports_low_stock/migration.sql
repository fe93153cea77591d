-- CreateTable
CREATE TABLE "reports"."product_stock" (
    "product_id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "category_id" UUID,
    "on_hand" INTEGER NOT NULL,
    "held" INTEGER NOT NULL,
    "available" INTEGER NOT NULL,
    "changed_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "product_stock_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "reports"."ticket_type_stock" (
    "ticket_type_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "organizer_id" UUID NOT NULL,
    "name" VARCHAR(200),
    "capacity" INTEGER,
    "event_status" VARCHAR(16),
    "version" BIGINT NOT NULL DEFAULT 0,
    "sold" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ticket_type_stock_pkey" PRIMARY KEY ("ticket_type_id")
);

-- CreateIndex
CREATE INDEX "product_stock_available_idx" ON "reports"."product_stock"("available");

-- CreateIndex
CREATE INDEX "product_stock_seller_id_available_idx" ON "reports"."product_stock"("seller_id", "available");

-- CreateIndex
CREATE INDEX "ticket_type_stock_organizer_id_idx" ON "reports"."ticket_type_stock"("organizer_id");
