-- CreateEnum
CREATE TYPE "AuditAction" AS ENUM ('customer_read', 'customer_search');

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "accessibilityNeeds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "postcode" TEXT;

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" UUID NOT NULL,
    "action" "AuditAction" NOT NULL,
    "agentId" UUID NOT NULL,
    "customerId" UUID,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditEvent_customerId_at_idx" ON "AuditEvent"("customerId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_agentId_at_idx" ON "AuditEvent"("agentId", "at");

-- CreateIndex
CREATE INDEX "Customer_postcode_idx" ON "Customer"("postcode");

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
