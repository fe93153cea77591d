-- Support's copy of users, fed by the users domain's UserChanged events (consumer
-- support.user-directory). No backfill: users that existed before this migration would be
-- missing until their next change, which is acceptable only because no database predates it
-- (the project is unreleased and every database is migrated from scratch, seed included).

-- CreateTable
CREATE TABLE "support"."user_directory" (
    "user_id" UUID NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "roles" VARCHAR(16)[],
    "status" VARCHAR(16) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "user_directory_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE INDEX "user_directory_email_idx" ON "support"."user_directory"("email");
