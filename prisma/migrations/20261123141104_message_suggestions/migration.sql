-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "suggestions" TEXT[] DEFAULT ARRAY[]::TEXT[];
