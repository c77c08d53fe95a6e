-- AlterTable
ALTER TABLE "FollowUp" ADD COLUMN     "callId" TEXT,
ADD COLUMN     "calledAt" TIMESTAMPTZ(3);
