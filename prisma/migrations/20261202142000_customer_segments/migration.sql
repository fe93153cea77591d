-- CreateTable
CREATE TABLE "reports"."customer_orders" (
    "order_id" UUID NOT NULL,
    "buyer_id" UUID NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "paid_at" TIMESTAMPTZ(3) NOT NULL,
    "gross_cents" BIGINT NOT NULL,

    CONSTRAINT "customer_orders_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "reports"."customer_refunds" (
    "refund_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "amount_cents" BIGINT NOT NULL,
    "refunded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "customer_refunds_pkey" PRIMARY KEY ("refund_id")
);

-- CreateIndex
CREATE INDEX "customer_orders_buyer_id_idx" ON "reports"."customer_orders"("buyer_id");

-- CreateIndex
CREATE INDEX "customer_refunds_order_id_idx" ON "reports"."customer_refunds"("order_id");
