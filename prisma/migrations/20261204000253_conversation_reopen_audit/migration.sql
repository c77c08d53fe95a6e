-- AlterEnum
ALTER TYPE "AuditAction" ADD VALUE 'conversation_reopen';
