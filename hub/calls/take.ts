// An agent takes a call waiting in the queue: claim it (one agent wins, whatever the number of hub
// processes), then ask the phone provider to put the caller through to the agent.
import { ChannelSendError, type ChannelAdapter, type CallTarget } from '../../channels/contract.ts';
import type { Db } from '../db/client.ts';

export class TakeCallError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409 | 410 | 502,
  ) {
    super(message);
  }
}

// Twilio's answers for a call that is no longer there to redirect.
const CALL_GONE = new Set(['twilio:20404', 'twilio:21220']);

export async function takeCall(
  db: Db,
  voice: ChannelAdapter | undefined,
  input: { callId: string; agentId: string },
): Promise<{ callId: string; conversationId: string }> {
  if (!voice?.connectCall) throw new TakeCallError('phone calls are not switched on', 409);
  const agent = await db.agent.findUniqueOrThrow({ where: { id: input.agentId }, select: { voicePhone: true, voiceClient: true } });
  const target: CallTarget | null = agent.voicePhone ? { phone: agent.voicePhone } : agent.voiceClient ? { client: agent.voiceClient } : null;
  if (!target) throw new TakeCallError('set the phone number your calls are put through to first', 409);

  const takenAt = new Date();
  // The claim is one conditional update: of two agents pressing "take" at once, exactly one sees count 1.
  const { count } = await db.call.updateMany({ where: { id: input.callId, state: 'queued' }, data: { state: 'connecting', agentId: input.agentId } });
  const call = await db.call.findUnique({ where: { id: input.callId }, select: { callSid: true, conversationId: true } });
  if (!call) throw new TakeCallError('call not found', 404);
  if (!count) throw new TakeCallError('this call has been taken by someone else, or the caller has hung up', 409);

  try {
    await voice.connectCall(call.callSid, target);
  } catch (error) {
    const gone = error instanceof ChannelSendError && CALL_GONE.has(error.code);
    await db.call.updateMany({
      where: { id: input.callId, state: 'connecting', agentId: input.agentId },
      data: gone ? { state: 'ended', endedAt: new Date(), agentId: null } : { state: 'queued', agentId: null },
    });
    if (gone) throw new TakeCallError('the caller has hung up', 410);
    throw new TakeCallError(`could not put the call through: ${(error as Error).message}; it is still waiting`, 502);
  }
  await db.$transaction([
    db.callEvent.create({ data: { callId: input.callId, leg: 'agent', kind: 'taken', agentId: input.agentId, at: takenAt } }),
    db.conversation.update({ where: { id: call.conversationId }, data: { assignedAgentId: input.agentId, assignedAt: new Date(), waitingSince: null } }),
  ]);
  return { callId: input.callId, conversationId: call.conversationId };
}
