-- CreateEnum
CREATE TYPE "PlanActionAuthor" AS ENUM ('customer', 'agent');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "AuditAction" ADD VALUE 'plan_link_send';
ALTER TYPE "AuditAction" ADD VALUE 'plan_link_revoke';

-- CreateTable
CREATE TABLE "PlanLink" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),
    "createdById" UUID,
    "lastOpenedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PlanLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlanAction" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "addedBy" "PlanActionAuthor" NOT NULL,
    "requestId" UUID NOT NULL,
    "doneAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlanAction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PlanLink_tokenHash_key" ON "PlanLink"("tokenHash");

-- CreateIndex
CREATE INDEX "PlanLink_planId_idx" ON "PlanLink"("planId");

-- CreateIndex
CREATE INDEX "PlanAction_planId_createdAt_idx" ON "PlanAction"("planId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PlanAction_planId_requestId_key" ON "PlanAction"("planId", "requestId");

-- AddForeignKey
ALTER TABLE "PlanLink" ADD CONSTRAINT "PlanLink_planId_fkey" FOREIGN KEY ("planId") REFERENCES "ActionPlan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlanLink" ADD CONSTRAINT "PlanLink_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlanAction" ADD CONSTRAINT "PlanAction_planId_fkey" FOREIGN KEY ("planId") REFERENCES "ActionPlan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
