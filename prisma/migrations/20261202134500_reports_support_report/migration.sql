-- CreateIndex
CREATE INDEX "support_tickets_created_at_idx" ON "reports"."support_tickets"("created_at");
