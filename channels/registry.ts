// The one list of channels. Adding a channel = a folder under channels/ and one line here.
import type { ChannelCapabilities, ChannelKind, ChannelModule, ContactPointKind } from './contract.ts';
import { smsChannel } from './sms/sms.adapter.ts';
import { whatsappChannel } from './whatsapp/whatsapp.adapter.ts';
import { webchatChannel } from './webchat/webchat.adapter.ts';
import { emailChannel } from './email/email.adapter.ts';
import { voiceChannel } from './voice/voice.adapter.ts';
import { botframeworkChannel } from './botframework/botframework.adapter.ts';

// Every channel kind has exactly one module: the key type makes a missing or misspelt one a type error.
// biome-ignore lint/suspicious/noExplicitAny: each module has its own config type, which only that module's schema and create() use
export const channelModules: { readonly [K in ChannelKind]: ChannelModule<any> } = {
  sms: smsChannel,
  webchat: webchatChannel,
  email: emailChannel,
  voice: voiceChannel,
  botframework: botframeworkChannel,
  whatsapp: whatsappChannel,
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
  return channelModules[kind].capabilities;
}

/** Capabilities that are yes or no. */
type Flag = { [K in keyof ChannelCapabilities]-?: ChannelCapabilities[K] extends boolean ? K : never }[keyof ChannelCapabilities];

/** Every channel kind that declares `flag` (e.g. the kinds whose contacts are live calls), in the registry's order. */
export function kindsThat(flag: Flag): ChannelKind[] {
  return (Object.keys(channelModules) as ChannelKind[]).filter((kind) => channelModules[kind].capabilities[flag]);
}

/**
 * The channel the hub writes on to this kind of address when the customer has not written on one that can take
 * text (the one that declares `textsAddress`); undefined when none does (a Teams user: replying needs their reference).
 */
export function textChannelFor(address: ContactPointKind): ChannelKind | undefined {
  return (Object.keys(channelModules) as ChannelKind[]).find(
    (kind) => channelModules[kind].capabilities.address === address && channelModules[kind].capabilities.textsAddress,
  );
}

/** Where to write to a customer who contacted us on `kind`: the channel itself, or (a call) the one that texts its address. */
export function writtenReplyChannel(kind: ChannelKind): ChannelKind | undefined {
  const capabilities = channelModules[kind].capabilities;
  return capabilities.canText ? kind : textChannelFor(capabilities.address);
}
