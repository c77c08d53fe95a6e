// What each channel declares it can do (channels/registry.ts), the rules the hub's questions rely on, and the
// sink's ports following them: each channel gets the core, and only the ports its capabilities ask for.
import { describe, expect, it } from 'vitest';
import { ChannelCapabilities, ChannelKind } from '../../channels/contract.ts';
import {
  CHANNEL_KINDS,
  capabilitiesOf,
  channelDirectory,
  channelModules,
  isChannelKind,
  kindsThat,
  namesOf,
  replyWordsFor,
  textChannelFor,
  writtenReplyChannel,
} from '../../channels/registry.ts';
import { createInboundSink, type InboundSinkDeps } from '../../hub/ingest/sink.ts';

describe('channel capabilities', () => {
  it('are declared in full by every channel, with nothing undeclared', () => {
    for (const kind of CHANNEL_KINDS) {
      const declared = ChannelCapabilities.strict().safeParse(capabilitiesOf(kind));
      expect(declared.error?.issues ?? [], kind).toEqual([]);
      // The registry's key is the name stored on every message: it must be the module's own, and a valid name.
      expect(channelModules[kind]?.kind).toBe(kind);
      expect(ChannelKind.safeParse(kind).success, kind).toBe(true);
    }
  });

  it('name each channel for people in its own module, the one place the desk and Slack take it from', () => {
    for (const { kind, label, icon } of channelDirectory()) {
      expect(label.trim(), kind).not.toBe('');
      expect(label, kind).not.toBe(kind);
      expect(icon, kind).not.toBeNull();
    }
    expect(namesOf('webchat').label).toBe('Web chat');
    // A reply to a caller goes by text: Slack tells the service so.
    expect(replyWordsFor('voice')).toBe('text message');
    expect(replyWordsFor('email')).toBe('email');
    expect(namesOf('telex')).toEqual({ label: 'telex', by: 'telex' });
  });

  it('treat a channel named on old rows but since removed from the registry as one nothing is sent on', () => {
    expect(isChannelKind('sms')).toBe(true);
    expect(isChannelKind('telex')).toBe(false);
    expect(isChannelKind('constructor')).toBe(false);
    expect(capabilitiesOf('telex')).toMatchObject({ canText: false, speaks: false, agentCapacity: 0 });
    expect(writtenReplyChannel('telex')).toBeUndefined();
  });

  it('answer the questions the hub asks as the channels behave', () => {
    expect(kindsThat('speaks')).toEqual(['voice']);
    expect(kindsThat('typing')).toEqual(['webchat']);
    expect(kindsThat('verifies')).toEqual(['webchat']);
    expect(kindsThat('showsTranscript')).toEqual(['webchat']);
    expect(kindsThat('carrierKeywords')).toEqual(['sms']);
    expect(kindsThat('carriesServiceReplies')).toEqual(['email']);
    expect(kindsThat('threadsReplies')).toEqual(['email']);
    expect(kindsThat('repliesNeedContext')).toEqual(['botframework']);
    expect(CHANNEL_KINDS.filter((k) => !capabilitiesOf(k).turnByTurn)).toEqual(['email']);
    expect(CHANNEL_KINDS.filter((k) => !capabilitiesOf(k).canText)).toEqual(['voice', 'in_person', 'plan_page']);
    expect(capabilitiesOf('email').automaticAnswersPerDay).toBe(1);
    expect(capabilitiesOf('whatsapp').replyWindowHours).toBe(24);
  });

  it('write to each kind of address on one channel at most, and answer a call by text', () => {
    for (const address of ['phone', 'email', 'webchat_visitor', 'botframework_user'] as const) {
      expect(CHANNEL_KINDS.filter((k) => capabilitiesOf(k).address === address && capabilitiesOf(k).textsAddress).length, address).toBeLessThanOrEqual(1);
    }
    expect(textChannelFor('phone')).toBe('sms');
    expect(textChannelFor('email')).toBe('email');
    expect(textChannelFor('webchat_visitor')).toBe('webchat');
    // Replying needs the user's conversation reference: only where they wrote.
    expect(textChannelFor('botframework_user')).toBeUndefined();
    expect(writtenReplyChannel('voice')).toBe('sms');
    expect(writtenReplyChannel('whatsapp')).toBe('whatsapp');
    // A channel that cannot take text must have one that writes to its address, or its customers get no answer.
    // (The plan page has no address either: its customer is answered at one on their record, as in person.)
    for (const kind of CHANNEL_KINDS.filter((k) => !capabilitiesOf(k).recordedAtDesk && k !== 'plan_page'))
      expect(writtenReplyChannel(kind), kind).toBeDefined();
    // Contact in person has no address of its own: it is answered by one on the customer's record.
    expect(kindsThat('recordedAtDesk')).toEqual(['in_person']);
    expect(writtenReplyChannel('in_person')).toBeUndefined();
  });

  it('have at most one channel that speaks while a call has no channel of its own (hub/routing/engine.ts counts its load there)', () => {
    expect(kindsThat('speaks').length).toBeLessThanOrEqual(1);
  });

  it('place calls only where they also speak (a follow-up call is led by keys, on a channel that carries calls)', () => {
    expect(kindsThat('callsOut')).toEqual(['voice']);
    for (const kind of kindsThat('callsOut')) expect(capabilitiesOf(kind).speaks, kind).toBe(true);
  });
});

describe('the inbound sink', () => {
  // Building a sink touches none of its dependencies: only calling a port does.
  const deps = {} as InboundSinkDeps;
  const ports = (kind: ChannelKind) => Object.keys(createInboundSink(deps, kind)).sort();

  it('gives every channel the core, and each port only to the channels that declare it', () => {
    expect(ports('sms')).toEqual(['accept', 'report']);
    expect(ports('email')).toEqual(['accept', 'report']);
    expect(ports('whatsapp')).toEqual(['accept', 'report']);
    expect(ports('botframework')).toEqual(['accept', 'report']);
    expect(ports('webchat')).toEqual(['accept', 'report', 'transcript', 'typing', 'verification']);
    expect(ports('voice')).toEqual(['accept', 'calls', 'followUpCalls', 'report']);
  });
});
