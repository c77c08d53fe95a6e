-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "AuditAction" ADD VALUE 'sign_in_lock_lift';
ALTER TYPE "AuditAction" ADD VALUE 'agent_disable';
ALTER TYPE "AuditAction" ADD VALUE 'agent_enable';
ALTER TYPE "AuditAction" ADD VALUE 'password_change';
ALTER TYPE "AuditAction" ADD VALUE 'sessions_end_all';

-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "disabledAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "SignInLock" (
    "id" UUID NOT NULL,
    "scope" TEXT NOT NULL,
    "accountHash" TEXT NOT NULL DEFAULT '',
    "agentId" UUID,
    "address" TEXT NOT NULL DEFAULT '',
    "failures" INTEGER NOT NULL,
    "lockedUntil" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SignInLock_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SignInLock_lockedUntil_idx" ON "SignInLock"("lockedUntil");

-- CreateIndex
CREATE UNIQUE INDEX "SignInLock_scope_accountHash_address_key" ON "SignInLock"("scope", "accountHash", "address");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE INDEX "Session_lastSeenAt_idx" ON "Session"("lastSeenAt");

-- AddForeignKey
ALTER TABLE "SignInLock" ADD CONSTRAINT "SignInLock_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
