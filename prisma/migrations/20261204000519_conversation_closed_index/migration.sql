-- CreateIndex
CREATE INDEX "Conversation_status_closedAt_idx" ON "Conversation"("status", "closedAt");
