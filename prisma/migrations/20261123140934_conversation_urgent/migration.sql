-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "urgentAt" TIMESTAMPTZ(3);
