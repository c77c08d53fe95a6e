-- AlterEnum
ALTER TYPE "BotOutcome" ADD VALUE 'opted_out';
