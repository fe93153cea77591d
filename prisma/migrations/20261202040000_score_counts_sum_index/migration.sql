-- CreateIndex
CREATE INDEX "score_counts_sum_idx" ON "gamification"."score_counts"("period", "start", "points", "users");
