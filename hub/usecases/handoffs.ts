// An agent hands needs to the services that own them: the hand-offs, their deliveries and the customer's
// confirmation (who has their details, and the references) are written in one transaction.
import { recordAudit } from '../audit.ts';
import type { Db } from '../db/client.ts';
import type { Effect } from '../effects.ts';
import { createHandoffs, type HandoffResult, type HandoffWording } from '../handoff/create.ts';
import { effectsOf, handoffEffects } from '../handoff/dispatch.ts';
import { createNotice } from '../outbound/compose.ts';

export interface HandOffInput {
  conversationId: string;
  agentId: string;
  needs?: string[];
  serviceId?: string;
  note?: string;
}

/** Throws HandoffError (with its status) when the request cannot be met. */
export async function handOffNeeds(db: Db, wording: HandoffWording, input: HandOffInput): Promise<{ result: HandoffResult; effects: Effect[] }> {
  const { result, toldId } = await db.$transaction(async (tx) => {
    const made = await createHandoffs(tx, input, wording);
    // The customer is told on their channel, if it can be reached; the hand-offs stand either way.
    const told = made.confirmation
      ? await createNotice(tx, { conversationId: input.conversationId, text: made.confirmation, enabledChannels: wording.enabledChannels }).catch(() => null)
      : null;
    if (made.created.length) {
      await recordAudit(tx, {
        action: 'handoff_create',
        agentId: input.agentId,
        customerId: made.customerId,
        detail: { handoffs: made.created.map((h) => h.id), needs: made.created.flatMap((h) => h.needs) },
      });
    }
    return { result: made, toldId: told?.id ?? null };
  });
  const changes = effectsOf(result);
  if (toldId) changes.told.push({ id: toldId, conversationId: input.conversationId });
  return { result, effects: await handoffEffects(db, changes) };
}
