-- AlterEnum
ALTER TYPE "DeliveryKind" ADD VALUE 'customer_message';

-- AlterEnum
ALTER TYPE "HandoffEventKind" ADD VALUE 'customer_replied';

-- AlterTable
ALTER TABLE "HandoffDelivery" ADD COLUMN     "messageId" UUID;
