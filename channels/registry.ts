// The one list of channels. Adding a channel = a folder under channels/ and one line here.
import type { ChannelKind, ChannelModule, ContactPointKind } from './contract.ts';
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
