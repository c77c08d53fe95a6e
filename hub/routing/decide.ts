// Who answers a customer's message: the needs bot or a person on the desk. Pure: the hub gathers the
// facts, this decides. (Assignment to a particular agent and hand-off to services come later.)
import type { ChannelKind } from '../../channels/contract.ts';

export type Route = 'bot' | 'desk';

export interface RouteInput {
  /** Who answers this conversation now. */
  handler: 'bot' | 'person';
  /** The channel the message came on. */
  channel: ChannelKind;
  /** Channels the bot answers on (config BOT_CHANNELS). */
  botChannels: readonly ChannelKind[];
}

export function decideRoute({ handler, channel, botChannels }: RouteInput): Route {
  // Once a person has it, it stays with people; the bot never takes a conversation back.
  if (handler === 'person') return 'desk';
  return botChannels.includes(channel) ? 'bot' : 'desk';
}
