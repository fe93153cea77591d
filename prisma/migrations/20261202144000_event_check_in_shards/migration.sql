-- CreateTable
CREATE TABLE "tickets"."event_check_in_counts" (
    "event_id" UUID NOT NULL,
    "shard" SMALLINT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "event_check_in_counts_pkey" PRIMARY KEY ("event_id","shard")
);

-- AddForeignKey
ALTER TABLE "tickets"."event_check_in_counts" ADD CONSTRAINT "event_check_in_counts_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "tickets"."events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: the single counter becomes shard 0 of its event (the sum stays the same).
INSERT INTO "tickets"."event_check_in_counts" ("event_id", "shard", "count")
SELECT "id", 0, "checked_in_count" FROM "tickets"."events" WHERE "checked_in_count" > 0;

-- AlterTable
ALTER TABLE "tickets"."events" DROP COLUMN "checked_in_count";
