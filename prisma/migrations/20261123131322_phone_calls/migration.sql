-- CreateEnum
CREATE TYPE "CallState" AS ENUM ('queued', 'connecting', 'connected', 'ended');

-- CreateEnum
CREATE TYPE "CallLeg" AS ENUM ('caller', 'agent');

-- CreateEnum
CREATE TYPE "CallEventKind" AS ENUM ('queued', 'taken', 'ringing', 'answered', 'completed', 'busy', 'no_answer', 'failed', 'canceled', 'returned_to_queue');

-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "voiceClient" TEXT,
ADD COLUMN     "voicePhone" TEXT;

-- CreateTable
CREATE TABLE "Call" (
    "id" UUID NOT NULL,
    "callSid" TEXT NOT NULL,
    "conversationId" UUID NOT NULL,
    "fromAddress" TEXT NOT NULL,
    "state" "CallState" NOT NULL,
    "agentId" UUID,
    "queuedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Call_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CallEvent" (
    "id" UUID NOT NULL,
    "callId" UUID NOT NULL,
    "leg" "CallLeg" NOT NULL,
    "kind" "CallEventKind" NOT NULL,
    "agentId" UUID,
    "providerKey" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CallEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Call_callSid_key" ON "Call"("callSid");

-- CreateIndex
CREATE INDEX "Call_state_queuedAt_idx" ON "Call"("state", "queuedAt");

-- CreateIndex
CREATE INDEX "Call_conversationId_idx" ON "Call"("conversationId");

-- CreateIndex
CREATE UNIQUE INDEX "CallEvent_providerKey_key" ON "CallEvent"("providerKey");

-- CreateIndex
CREATE INDEX "CallEvent_callId_at_idx" ON "CallEvent"("callId", "at");

-- AddForeignKey
ALTER TABLE "Call" ADD CONSTRAINT "Call_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Call" ADD CONSTRAINT "Call_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallEvent" ADD CONSTRAINT "CallEvent_callId_fkey" FOREIGN KEY ("callId") REFERENCES "Call"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallEvent" ADD CONSTRAINT "CallEvent_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;
