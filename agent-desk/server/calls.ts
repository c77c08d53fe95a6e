// Phone calls on the desk: the calls waiting for a person (with what each caller has said so far),
// taking one (it is put through to the agent's phone), each conversation's call history, and where an
// agent's calls are put through to.
import express from 'express';
import { z } from 'zod';
import type { CountryCode } from 'libphonenumber-js';
import type { ChannelAdapter } from '../../channels/contract.ts';
import { kindsThat } from '../../channels/registry.ts';
import type { Db } from '../../hub/db/client.ts';
import { fx, type EffectsRunner } from '../../hub/effects.ts';
import type { Prisma } from '../../hub/generated/prisma/client.ts';
import { TakeCallError, takeCall } from '../../hub/calls/take.ts';
import { normaliseAddress } from '../../hub/identity/link.ts';
import { invalid } from './http.ts';
import { conversationScope, viewerIn } from './policy.ts';
import type { CallView } from '../shared/views.ts';

export { CallView } from '../shared/views.ts';

export const VoiceTargetBody = z
  .object({
    phone: z.string().trim().min(3).max(32).nullable(),
    client: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,121}$/, 'client must be a Twilio Client identity (letters, digits, underscore)')
      .nullable(),
  })
  .partial()
  .strict();

export const IdParam = z.object({ id: z.uuid('id must be a UUID') });

const callInclude = {
  conversation: { select: { customer: { select: { id: true, displayName: true } } } },
  agent: { select: { id: true, displayName: true } },
  events: { orderBy: { at: 'asc' }, include: { agent: { select: { displayName: true } } } },
} as const;

async function callViews(db: Db, where: Prisma.CallWhereInput): Promise<CallView[]> {
  const calls = await db.call.findMany({ where, orderBy: { queuedAt: 'asc' }, include: callInclude });
  if (!calls.length) return [];
  const said = await db.message.findMany({
    // What the caller said: the call channel's messages whose ids start with the call's (channels/voice/normalise.ts).
    where: { channel: { in: kindsThat('speaks') }, direction: 'inbound', OR: calls.map((c) => ({ providerMessageId: { startsWith: `${c.callSid}:` } })) },
    orderBy: { createdAt: 'asc' },
    select: { providerMessageId: true, body: true },
  });
  return calls.map((c) => ({
    id: c.id,
    conversationId: c.conversationId,
    customer: c.conversation.customer,
    fromAddress: c.fromAddress,
    state: c.state,
    agent: c.agent,
    queuedAt: c.queuedAt.toISOString(),
    endedAt: c.endedAt?.toISOString() ?? null,
    said: said.filter((m) => m.providerMessageId?.startsWith(`${c.callSid}:`)).map((m) => m.body),
    events: c.events.map((e) => ({ leg: e.leg, kind: e.kind, agent: e.agent?.displayName ?? null, at: e.at.toISOString() })),
  }));
}

export async function callView(db: Db, id: string): Promise<CallView | null> {
  return (await callViews(db, { id }))[0] ?? null;
}

export function callRouter(deps: { db: Db; effects: EffectsRunner; voice: ChannelAdapter | undefined; defaultCountry: CountryCode }) {
  const router = express.Router();

  router.get('/api/calls', async (req, res) => {
    const scope = conversationScope(viewerIn(req));
    res.json({ calls: await callViews(deps.db, { state: { not: 'ended' }, ...(scope ? { conversation: scope } : {}) }) });
  });

  router.post('/api/calls/:id/take', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    try {
      const taken = await takeCall(deps.db, deps.voice, { callId: params.data.id, agentId: req.agent!.id });
      void deps.effects.run([fx.publish({ type: 'call.updated', ...taken })]);
      res.json({ call: await callView(deps.db, taken.callId) });
    } catch (error) {
      if (!(error instanceof TakeCallError)) throw error;
      // Whatever happened, the waiting list changed for everyone (taken by another, hung up, back in the queue).
      const call = await deps.db.call.findUnique({ where: { id: params.data.id }, select: { conversationId: true } });
      if (call) void deps.effects.run([fx.publish({ type: 'call.updated', callId: params.data.id, conversationId: call.conversationId })]);
      res.status(error.status).json({ error: error.message });
    }
  });

  router.get('/api/conversations/:id/calls', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    res.json({ calls: await callViews(deps.db, { conversationId: params.data.id }) });
  });

  router.get('/api/agents/me/voice', async (req, res) => {
    const agent = await deps.db.agent.findUniqueOrThrow({ where: { id: req.agent!.id }, select: { voicePhone: true, voiceClient: true } });
    res.json({ phone: agent.voicePhone, client: agent.voiceClient });
  });

  router.put('/api/agents/me/voice', async (req, res) => {
    const body = VoiceTargetBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    let phone = body.data.phone;
    if (phone) {
      phone = normaliseAddress('phone', phone, deps.defaultCountry);
      if (!phone) return void res.status(400).json({ error: 'phone is not a phone number' });
    }
    const agent = await deps.db.agent.update({
      where: { id: req.agent!.id },
      data: { voicePhone: phone, voiceClient: body.data.client },
      select: { voicePhone: true, voiceClient: true },
    });
    res.json({ phone: agent.voicePhone, client: agent.voiceClient });
  });

  return router;
}
