-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "AuditAction" ADD VALUE 'agent_create';
ALTER TYPE "AuditAction" ADD VALUE 'agent_password_reset';
ALTER TYPE "AuditAction" ADD VALUE 'team_create';
ALTER TYPE "AuditAction" ADD VALUE 'team_update';

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");
