-- AlterTable
ALTER TABLE "tickets"."events" ADD COLUMN     "checked_in_count" INTEGER NOT NULL DEFAULT 0;

-- Backfill: the scans accepted before the counter existed (one check-in row each: the ticket
-- may have been voided since by a refund, the admission still counts).
UPDATE "tickets"."events" e SET "checked_in_count" = c.n
FROM (
  SELECT t."event_id", COUNT(*)::int AS n
  FROM "tickets"."check_ins" ci JOIN "tickets"."tickets" t ON t."id" = ci."ticket_id"
  GROUP BY t."event_id"
) c
WHERE e."id" = c."event_id";
