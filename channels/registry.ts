// The one list of channels. Adding a channel = a folder under channels/ and one line here.
import { ChannelKind, type ChannelCapabilities, type ChannelIcon, type ChannelModule, type ChannelNames, type ContactPointKind } from './contract.ts';
import { smsChannel } from './sms/sms.adapter.ts';
import { whatsappChannel } from './whatsapp/whatsapp.adapter.ts';
import { webchatChannel } from './webchat/webchat.adapter.ts';
import { emailChannel } from './email/email.adapter.ts';
import { voiceChannel } from './voice/voice.adapter.ts';
import { botframeworkChannel } from './botframework/botframework.adapter.ts';
import { inPersonChannel } from './in-person/in-person.adapter.ts';
import { planPageChannel } from './plan-page/plan-page.adapter.ts';

// Each key is the channel's name (its module's `kind`, which tests/unit/channel-capabilities.test.ts checks): the
// one place a channel is listed. Messages and conversations store the name as text, so no migration follows.
// biome-ignore lint/suspicious/noExplicitAny: each module has its own config type, which only that module's schema and create() use
export const channelModules: Readonly<Record<ChannelKind, ChannelModule<any>>> = {
  sms: smsChannel,
  webchat: webchatChannel,
  email: emailChannel,
  voice: voiceChannel,
  botframework: botframeworkChannel,
  whatsapp: whatsappChannel,
  in_person: inPersonChannel,
  plan_page: planPageChannel,
};

/** Every channel there is, in the registry's order. */
export const CHANNEL_KINDS: readonly ChannelKind[] = Object.keys(channelModules);

/** A channel the registry lists (settings name channels; stored rows may name one since removed). */
export function isChannelKind(value: string): boolean {
  return Object.hasOwn(channelModules, value);
}

/** A channel the registry lists, named in a setting or a request. */
export const RegisteredChannel = ChannelKind.refine(isChannelKind, { error: `must be one of ${CHANNEL_KINDS.join(', ')}` });

/**
 * What the hub assumes of a channel stored on old rows but no longer in the registry: nothing can be sent on it,
 * so replies go to an address on the customer's record instead.
 */
const REMOVED_CHANNEL: ChannelCapabilities = {
  address: 'removed_channel',
  reachesLater: false,
  speaks: false,
  canText: false,
  textsAddress: false,
  typing: false,
  verifies: false,
  showsTranscript: false,
  turnByTurn: false,
  carrierKeywords: false,
  carriesServiceReplies: false,
  agentCapacity: 0,
  threadsReplies: false,
  repliesNeedContext: false,
  recordedAtDesk: false,
  callsOut: false,
};

/**
 * The kinds of customer address that still reach the person once a conversation is over (as the channels
 * declare them): a customer with none of these on their record is asked how the teams can contact them.
 */
export const ADDRESSES_THAT_REACH_LATER: ReadonlySet<ContactPointKind> = new Set(
  Object.values(channelModules)
    .filter((module) => module.capabilities.reachesLater)
    .map((module) => module.capabilities.address),
);

/** What a channel can do, as its module declares it: the hub asks this, never which kind a channel is. */
export function capabilitiesOf(kind: ChannelKind): ChannelCapabilities {
  return channelModules[kind]?.capabilities ?? REMOVED_CHANNEL;
}

/** Capabilities that are yes or no. */
type Flag = { [K in keyof ChannelCapabilities]-?: ChannelCapabilities[K] extends boolean ? K : never }[keyof ChannelCapabilities];

/** Every channel kind that declares `flag` (e.g. the kinds whose contacts are live calls), in the registry's order. */
export function kindsThat(flag: Flag): ChannelKind[] {
  return CHANNEL_KINDS.filter((kind) => capabilitiesOf(kind)[flag]);
}

/**
 * The channel the hub writes on to this kind of address when the customer has not written on one that can take
 * text (the one that declares `textsAddress`); undefined when none does (a Teams user: replying needs their reference).
 */
export function textChannelFor(address: ContactPointKind): ChannelKind | undefined {
  return CHANNEL_KINDS.find((kind) => capabilitiesOf(kind).address === address && capabilitiesOf(kind).textsAddress);
}

/** Where to write to a customer who contacted us on `kind`: the channel itself, or (a call) the one that texts its address. */
export function writtenReplyChannel(kind: ChannelKind): ChannelKind | undefined {
  const capabilities = capabilitiesOf(kind);
  return capabilities.canText ? kind : textChannelFor(capabilities.address);
}

/** How people name a channel (its module's `names`); one since taken out of the registry is called by its kind. */
export function namesOf(kind: ChannelKind): ChannelNames {
  return channelModules[kind]?.names ?? { label: kind, by: kind };
}

/** The words for how a written reply reaches a customer who contacted us on `kind` ("by text message" for a call). */
export function replyWordsFor(kind: ChannelKind): string {
  const written = writtenReplyChannel(kind);
  return namesOf(written ?? kind).by;
}

/** Every channel in the registry with its names and icon: what the desk shows for each (GET /api/site). */
export function channelDirectory(): { kind: ChannelKind; label: string; icon: ChannelIcon | null }[] {
  return CHANNEL_KINDS.map((kind) => ({ kind, label: namesOf(kind).label, icon: channelModules[kind]!.icon ?? null }));
}
