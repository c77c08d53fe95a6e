-- AlterEnum
ALTER TYPE "ChannelKind" ADD VALUE 'botframework';

-- AlterEnum
ALTER TYPE "ContactPointKind" ADD VALUE 'botframework_user';
