-- CreateEnum
CREATE TYPE "HandoffTarget" AS ENUM ('slack', 'email', 'webhook', 'desk');

-- CreateEnum
CREATE TYPE "HandoffStatus" AS ENUM ('sent', 'delivered', 'accepted', 'redirected', 'closed', 'failed');

-- CreateEnum
CREATE TYPE "HandoffEventKind" AS ENUM ('created', 'delivered', 'delivery_failed', 'accepted', 'redirected', 'replied', 'closed', 'reminded', 'escalated');

-- CreateEnum
CREATE TYPE "DeliveryKind" AS ENUM ('handoff', 'update', 'reminder');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('queued', 'sent', 'failed');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "AuditAction" ADD VALUE 'handoff_create';
ALTER TYPE "AuditAction" ADD VALUE 'handoff_update';
ALTER TYPE "AuditAction" ADD VALUE 'directory_import';

-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "serviceId" UUID;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "authorName" TEXT,
ADD COLUMN     "handoffId" UUID;

-- CreateTable
CREATE TABLE "Organization" (
    "id" UUID NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "email" TEXT,
    "url" TEXT,
    "phone" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Service" (
    "id" UUID NOT NULL,
    "externalId" TEXT NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "url" TEXT,
    "eligibility" TEXT,
    "hours" TEXT,
    "timeZone" TEXT NOT NULL DEFAULT 'Europe/London',
    "needs" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "priority" INTEGER NOT NULL DEFAULT 100,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "target" "HandoffTarget" NOT NULL DEFAULT 'desk',
    "slackChannel" TEXT,
    "handoffEmail" TEXT,
    "webhookUrl" TEXT,
    "webhookSecret" TEXT,
    "slaMinutes" INTEGER NOT NULL DEFAULT 1440,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Service_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActionPlan" (
    "id" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "openForCustomer" UUID,
    "leadAgentId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ActionPlan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Handoff" (
    "id" UUID NOT NULL,
    "reference" TEXT NOT NULL,
    "planId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "conversationId" UUID NOT NULL,
    "serviceId" UUID NOT NULL,
    "needs" TEXT[],
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "consentAt" TIMESTAMPTZ(3) NOT NULL,
    "createdById" UUID,
    "facts" JSONB NOT NULL DEFAULT '{}',
    "excerpt" JSONB NOT NULL DEFAULT '[]',
    "note" TEXT,
    "status" "HandoffStatus" NOT NULL DEFAULT 'sent',
    "statusAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptedBy" TEXT,
    "acceptedAt" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "redirectedToId" UUID,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "remindedAt" TIMESTAMPTZ(3),
    "escalatedAt" TIMESTAMPTZ(3),
    "slackChannel" TEXT,
    "slackTs" TEXT,
    "emailMessageId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Handoff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HandoffEvent" (
    "id" UUID NOT NULL,
    "handoffId" UUID NOT NULL,
    "kind" "HandoffEventKind" NOT NULL,
    "actor" TEXT,
    "agentId" UUID,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "providerKey" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HandoffEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HandoffDelivery" (
    "id" UUID NOT NULL,
    "handoffId" UUID NOT NULL,
    "kind" "DeliveryKind" NOT NULL,
    "target" "HandoffTarget" NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "HandoffDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organization_externalId_key" ON "Organization"("externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Service_externalId_key" ON "Service"("externalId");

-- CreateIndex
CREATE UNIQUE INDEX "ActionPlan_openForCustomer_key" ON "ActionPlan"("openForCustomer");

-- CreateIndex
CREATE INDEX "ActionPlan_customerId_idx" ON "ActionPlan"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Handoff_reference_key" ON "Handoff"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "Handoff_redirectedToId_key" ON "Handoff"("redirectedToId");

-- CreateIndex
CREATE UNIQUE INDEX "Handoff_emailMessageId_key" ON "Handoff"("emailMessageId");

-- CreateIndex
CREATE INDEX "Handoff_planId_idx" ON "Handoff"("planId");

-- CreateIndex
CREATE INDEX "Handoff_customerId_idx" ON "Handoff"("customerId");

-- CreateIndex
CREATE INDEX "Handoff_conversationId_idx" ON "Handoff"("conversationId");

-- CreateIndex
CREATE INDEX "Handoff_serviceId_status_idx" ON "Handoff"("serviceId", "status");

-- CreateIndex
CREATE INDEX "Handoff_status_dueAt_idx" ON "Handoff"("status", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Handoff_slackChannel_slackTs_key" ON "Handoff"("slackChannel", "slackTs");

-- CreateIndex
CREATE UNIQUE INDEX "HandoffEvent_providerKey_key" ON "HandoffEvent"("providerKey");

-- CreateIndex
CREATE INDEX "HandoffEvent_handoffId_at_idx" ON "HandoffEvent"("handoffId", "at");

-- CreateIndex
CREATE INDEX "HandoffDelivery_status_createdAt_idx" ON "HandoffDelivery"("status", "createdAt");

-- CreateIndex
CREATE INDEX "HandoffDelivery_handoffId_idx" ON "HandoffDelivery"("handoffId");

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_handoffId_fkey" FOREIGN KEY ("handoffId") REFERENCES "Handoff"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Service" ADD CONSTRAINT "Service_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActionPlan" ADD CONSTRAINT "ActionPlan_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActionPlan" ADD CONSTRAINT "ActionPlan_leadAgentId_fkey" FOREIGN KEY ("leadAgentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Handoff" ADD CONSTRAINT "Handoff_planId_fkey" FOREIGN KEY ("planId") REFERENCES "ActionPlan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Handoff" ADD CONSTRAINT "Handoff_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Handoff" ADD CONSTRAINT "Handoff_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Handoff" ADD CONSTRAINT "Handoff_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Handoff" ADD CONSTRAINT "Handoff_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Handoff" ADD CONSTRAINT "Handoff_redirectedToId_fkey" FOREIGN KEY ("redirectedToId") REFERENCES "Handoff"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HandoffEvent" ADD CONSTRAINT "HandoffEvent_handoffId_fkey" FOREIGN KEY ("handoffId") REFERENCES "Handoff"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HandoffEvent" ADD CONSTRAINT "HandoffEvent_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HandoffDelivery" ADD CONSTRAINT "HandoffDelivery_handoffId_fkey" FOREIGN KEY ("handoffId") REFERENCES "Handoff"("id") ON DELETE CASCADE ON UPDATE CASCADE;
