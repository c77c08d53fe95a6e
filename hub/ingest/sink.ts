// What channel adapters hand inbound traffic to: record durably, then queue. The provider gets its 2xx
// only after the inbox row exists, so a Redis outage loses nothing (the sweeper re-queues).
import type { CallPort, FollowUpCallPort, InboundSink, VerificationPort } from '../../channels/contract.ts';
import { capabilitiesOf } from '../../channels/registry.ts';
import type { Db } from '../db/client.ts';
import type { EventBus } from '../events.ts';
import { enqueueFor, type Queues } from '../queues.ts';
import type { Logger } from '../logger.ts';
import { recordDeliveryReport } from '../outbound/status.ts';
import { recordInbound } from './inbox.ts';
import { recordCallReport } from '../calls/record.ts';
import { awaitBotReply } from '../bot/await-reply.ts';
import type { ChannelKind, InboundContact, InboundFile } from '../../channels/contract.ts';
import type { CountryCode } from 'libphonenumber-js';
import type { Adapters } from '../outbound/process.ts';
import { checkVerification, startVerification, type VerificationLimits } from '../identity/verify.ts';

import type { Router } from '../routing/engine.ts';
import type { EffectsRunner } from '../effects.ts';
import { answerFollowUpCall, type FollowUpSettings } from '../usecases/follow-up.ts';
import type { InboundJournal } from './journal.ts';

type Extras = { files?: InboundFile[]; payload?: Uint8Array };

/** Stores a contact in the inbox and queues it: the one way in, for live contacts and journal replay alike. */
export async function storeInbound(
  deps: { db: Db; queues: Queues; logger: Logger },
  contact: InboundContact,
  extras?: Extras,
): Promise<{ duplicate: boolean }> {
  const receipt = await recordInbound(deps.db, contact, extras);
  if (!receipt.processed) {
    // Not awaited: the contact is durable now, so the provider gets its answer at once even if Redis
    // is slow or down (the add waits for Redis to come back, and the sweeper re-queues what is lost).
    void enqueueFor(deps.queues.inbound, receipt.inboxItemId, { inboxItemId: receipt.inboxItemId, channel: contact.channel }).catch((error: Error) =>
      deps.logger.warn({ err: error.message, inboxItemId: receipt.inboxItemId }, 'could not queue inbound contact; the sweeper will'),
    );
  }
  return { duplicate: receipt.duplicate };
}

export interface InboundSinkDeps {
  db: Db;
  queues: Queues;
  bus: EventBus;
  logger: Logger;
  adapters: Adapters;
  defaultCountry: CountryCode;
  botChannels: readonly ChannelKind[];
  router?: Router;
  /** Where a contact goes when the database cannot take it (absent: the adapter answers 5xx). */
  journal?: InboundJournal;
  /** Who may make the hub send a verification code, and how often. */
  verificationLimits?: VerificationLimits;
  /** How long the database may take to store a contact before it is journaled instead (providers time out at 15 s). */
  storeTimeoutMs?: number;
  /** For calls the hub placed (follow-ups): the council's name said in them, and where what follows is run. */
  followUpCalls?: { settings: Pick<FollowUpSettings, 'council' | 'enabledChannels'>; effects: EffectsRunner };
}

/**
 * The sink one channel's adapter is given: the core every channel gets, and the ports its declared capabilities
 * ask for (typing, verification, transcript, calls), bound to that channel.
 */
export function createInboundSink(deps: InboundSinkDeps, channel: ChannelKind): InboundSink {
  const can = capabilitiesOf(channel);
  return {
    ...core(deps),
    ...(can.typing ? { typing: typingPort(deps) } : {}),
    ...(can.verifies ? { verification: verificationPort(deps) } : {}),
    ...(can.showsTranscript ? { transcript: transcriptPort(deps, channel) } : {}),
    ...(can.speaks ? { calls: callPort(deps, channel) } : {}),
    ...(can.callsOut ? { followUpCalls: followUpCallPort(deps) } : {}),
  };
}

function core(deps: InboundSinkDeps): Pick<InboundSink, 'accept' | 'report'> {
  const storeTimeoutMs = deps.storeTimeoutMs ?? 3_000;
  return {
    async accept(contact, extras) {
      try {
        const storing = storeInbound(deps, contact, extras);
        if (!deps.journal) return await storing;
        // A database that hangs rather than refuses must not hold the provider past its timeout. If the insert
        // lands after all, the journal's replay finds it there (same provider id) and stores nothing twice.
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the database took over ${storeTimeoutMs} ms`)), storeTimeoutMs);
        });
        storing.catch(() => undefined);
        try {
          return await Promise.race([storing, late]);
        } finally {
          clearTimeout(timer);
        }
      } catch (error) {
        const where = { channel: contact.channel, providerMessageId: contact.providerMessageId, err: (error as Error).message.slice(0, 300) };
        if (!deps.journal) {
          deps.logger.error(where, 'could not store an inbound contact');
          throw error;
        }
        // Durable on disk before the provider hears 2xx; replayed into the inbox when the database is back.
        await deps.journal.append(contact, extras).catch((journalError: Error) => {
          deps.logger.error({ ...where, journal: journalError.message }, 'could not store an inbound contact, nor journal it');
          throw journalError;
        });
        deps.logger.warn(where, 'database could not take an inbound contact; journaled on disk');
        return { duplicate: false };
      }
    },
    async report(report) {
      const moved = await recordDeliveryReport(deps.db, report);
      if (moved) void deps.bus.publish({ type: 'message.updated', ...moved }).catch(() => undefined);
    },
  };
}

function typingPort(deps: InboundSinkDeps): NonNullable<InboundSink['typing']> {
  return async (from) => {
    const point = await deps.db.contactPoint.findUnique({ where: { kind_address: from }, select: { customerId: true } });
    if (!point) return; // nothing sent yet: no conversation to show it in
    const open = await deps.db.conversation.findUnique({ where: { openForCustomer: point.customerId }, select: { id: true } });
    if (open) await deps.bus.publish({ type: 'customer.typing', conversationId: open.id });
  };
}

function verificationPort(deps: InboundSinkDeps): VerificationPort {
  return {
    // Only web-chat visitors verify this way for now: their visitor id is the key being linked.
    async start(from, claimed, client) {
      if (from.kind !== 'webchat_visitor') return { ok: false, error: 'not available on this channel' };
      const result = await startVerification(deps.db, deps.adapters, {
        visitorId: from.address,
        claimed,
        defaultCountry: deps.defaultCountry,
        clientAddress: client?.address,
        limits: deps.verificationLimits,
      });
      // A limit other than the visitor's own is a sign of abuse (SMS pumping, or someone being harassed): the
      // admins' alerting reads errors. The number itself is not logged.
      if (!result.ok && result.limit && result.limit !== 'per-visitor')
        deps.logger.error({ limit: result.limit, kind: claimed.kind }, 'verification code refused: a limit was reached');
      return result.ok ? result : { ok: false, error: result.error };
    },
    async check(from, code) {
      if (from.kind !== 'webchat_visitor') return { ok: false, error: 'not available on this channel' };
      return checkVerification(deps.db, { visitorId: from.address, code });
    },
  };
}

function transcriptPort(deps: InboundSinkDeps, channel: ChannelKind): NonNullable<InboundSink['transcript']> {
  return async (address, limit) => {
    const rows = await deps.db.message.findMany({
      where: {
        channel,
        OR: [
          { direction: 'inbound', fromAddress: address },
          { direction: 'outbound', toAddress: address },
        ],
      },
      orderBy: { createdAt: 'desc' },
      take: limit,
      select: { id: true, direction: true, body: true, createdAt: true, providerMessageId: true, suggestions: true },
    });
    return rows.reverse().map((m) => ({
      id: m.id,
      direction: m.direction,
      text: m.body,
      createdAt: m.createdAt.toISOString(),
      providerMessageId: m.direction === 'inbound' ? m.providerMessageId : null,
      ...(m.suggestions.length ? { suggestions: m.suggestions } : {}),
    }));
  };
}

function callPort(deps: InboundSinkDeps, channel: ChannelKind): CallPort {
  return {
    awaitBotReply: (contact, timeoutMs) => awaitBotReply(deps.db, deps.botChannels, contact, timeoutMs),
    async report(report) {
      const recorded = await recordCallReport(deps.db, channel, report);
      if (recorded) void deps.bus.publish({ type: 'call.updated', ...recorded }).catch(() => undefined);
      // A call joined the queue, went back to it, or its caller hung up: offers change.
      if (recorded) deps.router?.request();
    },
  };
}

function followUpCallPort(deps: InboundSinkDeps): FollowUpCallPort {
  return {
    async turn({ ref, question, digits }) {
      // Follow-ups not set up in this process: nothing is asked.
      if (!deps.followUpCalls) throw new Error('follow-up calls are not set up in this process');
      const { turn, effects } = await answerFollowUpCall(deps.db, deps.followUpCalls.settings, { ref, question, digits });
      await deps.followUpCalls.effects.run(effects);
      return turn;
    },
  };
}
