-- AlterTable
ALTER TABLE "Verification" ADD COLUMN     "clientAddress" TEXT;

-- CreateIndex
CREATE INDEX "Verification_address_createdAt_idx" ON "Verification"("address", "createdAt");

-- CreateIndex
CREATE INDEX "Verification_clientAddress_createdAt_idx" ON "Verification"("clientAddress", "createdAt");

-- CreateIndex
CREATE INDEX "Verification_createdAt_idx" ON "Verification"("createdAt");
