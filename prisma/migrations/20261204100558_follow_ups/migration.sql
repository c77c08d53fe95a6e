-- CreateEnum
CREATE TYPE "FollowUpReason" AS ENUM ('plan_closed', 'interval');

-- CreateEnum
CREATE TYPE "FollowUpStep" AS ENUM ('wellbeing', 'services', 'comment', 'done', 'set_aside', 'not_sent');

-- AlterEnum
ALTER TYPE "DeliveryKind" ADD VALUE 'feedback';

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "noContactSince" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "HandoffDelivery" ADD COLUMN     "followUpId" UUID;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "followUpId" UUID;

-- CreateTable
CREATE TABLE "FollowUp" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "reason" "FollowUpReason" NOT NULL,
    "conversationId" UUID,
    "channel" TEXT,
    "step" "FollowUpStep" NOT NULL DEFAULT 'wellbeing',
    "askedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "wellbeing" INTEGER,
    "comment" TEXT,
    "answeredIn" UUID,
    "answeredAt" TIMESTAMPTZ(3),

    CONSTRAINT "FollowUp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FollowUpAnswer" (
    "id" UUID NOT NULL,
    "followUpId" UUID NOT NULL,
    "handoffId" UUID NOT NULL,
    "serviceId" UUID NOT NULL,
    "needs" TEXT[],
    "helped" BOOLEAN,

    CONSTRAINT "FollowUpAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FollowUp_planId_askedAt_idx" ON "FollowUp"("planId", "askedAt");

-- CreateIndex
CREATE INDEX "FollowUp_customerId_step_idx" ON "FollowUp"("customerId", "step");

-- CreateIndex
CREATE INDEX "FollowUp_askedAt_idx" ON "FollowUp"("askedAt");

-- CreateIndex
CREATE INDEX "FollowUpAnswer_serviceId_idx" ON "FollowUpAnswer"("serviceId");

-- CreateIndex
CREATE UNIQUE INDEX "FollowUpAnswer_followUpId_handoffId_key" ON "FollowUpAnswer"("followUpId", "handoffId");

-- AddForeignKey
ALTER TABLE "FollowUp" ADD CONSTRAINT "FollowUp_planId_fkey" FOREIGN KEY ("planId") REFERENCES "ActionPlan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FollowUpAnswer" ADD CONSTRAINT "FollowUpAnswer_followUpId_fkey" FOREIGN KEY ("followUpId") REFERENCES "FollowUp"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FollowUpAnswer" ADD CONSTRAINT "FollowUpAnswer_handoffId_fkey" FOREIGN KEY ("handoffId") REFERENCES "Handoff"("id") ON DELETE CASCADE ON UPDATE CASCADE;
