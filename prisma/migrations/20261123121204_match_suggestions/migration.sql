-- CreateEnum
CREATE TYPE "SuggestionStatus" AS ENUM ('open', 'confirmed', 'dismissed');

-- CreateTable
CREATE TABLE "MatchSuggestion" (
    "id" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "otherCustomerId" UUID NOT NULL,
    "signals" TEXT[],
    "status" "SuggestionStatus" NOT NULL DEFAULT 'open',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMPTZ(3),
    "decidedById" UUID,

    CONSTRAINT "MatchSuggestion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MatchSuggestion_otherCustomerId_idx" ON "MatchSuggestion"("otherCustomerId");

-- CreateIndex
CREATE UNIQUE INDEX "MatchSuggestion_customerId_otherCustomerId_key" ON "MatchSuggestion"("customerId", "otherCustomerId");
