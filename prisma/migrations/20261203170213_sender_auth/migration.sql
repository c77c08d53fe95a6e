-- AlterEnum
ALTER TYPE "HandoffEventKind" ADD VALUE 'reply_unverified';

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "unverifiedEmailFrom" TEXT;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "senderAuth" JSONB;
