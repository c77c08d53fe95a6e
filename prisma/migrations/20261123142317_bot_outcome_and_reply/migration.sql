-- CreateEnum
CREATE TYPE "BotOutcome" AS ENUM ('complete', 'urgent', 'asked_for_person', 'unclear');

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "botOutcome" "BotOutcome";

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "replyToId" UUID;
