-- AlterEnum
ALTER TYPE "AgentRole" ADD VALUE 'strategy';

-- CreateIndex
CREATE INDEX "ActionPlan_createdAt_idx" ON "ActionPlan"("createdAt");

-- CreateIndex
CREATE INDEX "FollowUpAnswer_handoffId_idx" ON "FollowUpAnswer"("handoffId");

-- CreateIndex
CREATE INDEX "Handoff_createdAt_idx" ON "Handoff"("createdAt");

-- CreateIndex
CREATE INDEX "Need_createdAt_idx" ON "Need"("createdAt");

-- CreateIndex
CREATE INDEX "Need_customerId_code_createdAt_idx" ON "Need"("customerId", "code", "createdAt");
