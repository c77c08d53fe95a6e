-- DropForeignKey
ALTER TABLE "AuditEvent" DROP CONSTRAINT "AuditEvent_agentId_fkey";

-- DropForeignKey
ALTER TABLE "CustomerMerge" DROP CONSTRAINT "CustomerMerge_agentId_fkey";

-- AlterTable
ALTER TABLE "AuditEvent" ALTER COLUMN "agentId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "CustomerMerge" ALTER COLUMN "agentId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "Verification" (
    "id" UUID NOT NULL,
    "visitorId" TEXT NOT NULL,
    "kind" "ContactPointKind" NOT NULL,
    "address" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "verifiedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Verification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Verification_visitorId_createdAt_idx" ON "Verification"("visitorId", "createdAt");

-- AddForeignKey
ALTER TABLE "CustomerMerge" ADD CONSTRAINT "CustomerMerge_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;
