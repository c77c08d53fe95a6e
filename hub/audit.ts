// The audit trail of personal data: who read or changed which customer's record, and when.
// Rows are only added; `detail` never holds personal data (counts and field names, not values).
import type { Db } from './db/client.ts';
import type { AuditAction, Prisma } from './generated/prisma/client.ts';

/** Takes the client or a transaction, so an audited change and its record commit together. */
export async function recordAudit(
  db: Pick<Db, 'auditEvent'>,
  event: { action: AuditAction; agentId: string | null; customerId?: string; reason?: string; detail?: Prisma.InputJsonObject },
): Promise<void> {
  await db.auditEvent.create({
    data: { action: event.action, agentId: event.agentId, customerId: event.customerId ?? null, reason: event.reason ?? null, detail: event.detail ?? {} },
  });
}
