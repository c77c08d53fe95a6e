-- AlterEnum
ALTER TYPE "AuditAction" ADD VALUE 'attachment_download';

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "reference" TEXT;

-- AlterTable
ALTER TABLE "InboxItem" ADD COLUMN     "payload" BYTEA;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "bodyHtml" TEXT,
ADD COLUMN     "notices" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "Attachment" (
    "id" UUID NOT NULL,
    "inboxItemId" UUID NOT NULL,
    "messageId" UUID,
    "position" INTEGER NOT NULL,
    "filename" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "content" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Attachment_messageId_idx" ON "Attachment"("messageId");

-- CreateIndex
CREATE UNIQUE INDEX "Attachment_inboxItemId_position_key" ON "Attachment"("inboxItemId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Conversation_reference_key" ON "Conversation"("reference");

-- AddForeignKey
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_inboxItemId_fkey" FOREIGN KEY ("inboxItemId") REFERENCES "InboxItem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE SET NULL ON UPDATE CASCADE;
