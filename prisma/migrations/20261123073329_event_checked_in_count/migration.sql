-- AlterTable
ALTER TABLE "tickets"."events" ADD COLUMN     "checked_in_count" INTEGER NOT NULL DEFAULT 0;

-- Backfill: the scans accepted before the counter existed.
UPDATE "tickets"."events" e SET "checked_in_count" = c.n
FROM (SELECT "event_id", COUNT(*)::int AS n FROM "tickets"."tickets" WHERE "status" = 'CHECKED_IN' GROUP BY "event_id") c
WHERE e."id" = c."event_id";
