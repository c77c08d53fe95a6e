-- AlterEnum
ALTER TYPE "HandoffEventKind" ADD VALUE 'resent';
