-- AlterTable
ALTER TABLE "Service" ADD COLUMN     "details" JSONB;
