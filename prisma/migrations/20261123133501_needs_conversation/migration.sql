-- CreateEnum
CREATE TYPE "ConversationHandler" AS ENUM ('bot', 'person');

-- CreateEnum
CREATE TYPE "NeedSource" AS ENUM ('bot', 'agent', 'service');

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "facts" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "handler" "ConversationHandler" NOT NULL DEFAULT 'bot';

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "botTurnAt" TIMESTAMPTZ(3),
ADD COLUMN     "fromBot" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Need" ADD COLUMN     "consentAt" TIMESTAMPTZ(3),
ADD COLUMN     "consentToShare" BOOLEAN,
ADD COLUMN     "urgent" BOOLEAN NOT NULL DEFAULT false,
-- Edited: keep existing rows ('bot', 'agent') by converting the column in place.
ALTER COLUMN "source" TYPE "NeedSource" USING "source"::"NeedSource";

-- CreateTable
CREATE TABLE "BotState" (
    "key" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "etag" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BotState_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Need_conversationId_code_key" ON "Need"("conversationId", "code");
