-- CreateTable
CREATE TABLE "reports"."sales_days" (
    "scope_kind" VARCHAR(8) NOT NULL,
    "scope_id" UUID NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "day" DATE NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "gross_cents" BIGINT NOT NULL DEFAULT 0,
    "refunds" INTEGER NOT NULL DEFAULT 0,
    "refund_cents" BIGINT NOT NULL DEFAULT 0,
    "tickets_sold" INTEGER NOT NULL DEFAULT 0,
    "tickets_refunded" INTEGER NOT NULL DEFAULT 0,
    "units_sold" INTEGER NOT NULL DEFAULT 0,
    "units_refunded" INTEGER NOT NULL DEFAULT 0,
    "cancelled_orders" INTEGER NOT NULL DEFAULT 0,
    "cancelled_cents" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "sales_days_pkey" PRIMARY KEY ("scope_kind","scope_id","day","currency")
);

-- Days of the quarter-hours recorded before this table existed (the rollup's zone is fixed).
INSERT INTO "reports"."sales_days" ("scope_kind", "scope_id", "currency", "day", "orders", "gross_cents", "refunds",
    "refund_cents", "tickets_sold", "tickets_refunded", "units_sold", "units_refunded", "cancelled_orders", "cancelled_cents")
SELECT "scope_kind", "scope_id", "currency", ("bucket" AT TIME ZONE 'Europe/Madrid')::date, sum("orders"), sum("gross_cents"),
    sum("refunds"), sum("refund_cents"), sum("tickets_sold"), sum("tickets_refunded"), sum("units_sold"),
    sum("units_refunded"), sum("cancelled_orders"), sum("cancelled_cents")
FROM "reports"."sales_buckets"
GROUP BY 1, 2, 3, 4;
