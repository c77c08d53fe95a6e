// The Bot Framework channel: the standard Activity endpoint (POST /api/messages) so a council can connect
// the hub to Teams, Web Chat or Direct Line through Azure Bot Service. Incoming activities are verified
// (the SDK's JWT check against the bot's app registration), become contacts on the same pipeline as
// every other channel, and replies go back into the same conversation through the connector service.
import express from 'express';
import { z } from 'zod';
import { authorizeJWT, CloudAdapter, MessageFactory, type AuthConfiguration } from '@microsoft/agents-hosting';
import {
  ChannelSendError,
  type ChannelAdapter,
  type ChannelContext,
  type ChannelModule,
  type InboundSink,
  type MountTarget,
  type OutboundMessage,
  type SendResult,
} from '../contract.ts';
import { ConversationReference, IncomingActivity, normaliseActivity } from './normalise.ts';

export const BOTFRAMEWORK_PATH = '/api/messages';

export const botframeworkConfigSchema = z
  .object({
    /** The bot's Microsoft app (client) id from its Azure Bot registration. */
    BOT_APP_ID: z.string().min(1).optional(),
    BOT_APP_PASSWORD: z.string().min(1).optional(),
    BOT_TENANT_ID: z.string().min(1).optional(),
    /** Only for a local emulator: accept activities without a token. Never in production. */
    BOT_ENDPOINT_ANONYMOUS: z.enum(['true', 'false']).default('false'),
  })
  .refine((c) => c.BOT_APP_ID || c.BOT_ENDPOINT_ANONYMOUS === 'true', {
    message: 'set BOT_APP_ID (or BOT_ENDPOINT_ANONYMOUS=true for a local emulator)',
    path: ['BOT_APP_ID'],
  })
  .refine((c) => !c.BOT_APP_ID || c.BOT_APP_PASSWORD, { message: 'is required with BOT_APP_ID', path: ['BOT_APP_PASSWORD'] });
export type BotframeworkConfig = z.infer<typeof botframeworkConfigSchema>;

export function createBotframeworkAdapter(config: BotframeworkConfig): ChannelAdapter {
  const authConfig: AuthConfiguration = {
    clientId: config.BOT_APP_ID ?? '',
    clientSecret: config.BOT_APP_PASSWORD,
    tenantId: config.BOT_TENANT_ID,
    issuers: [
      'https://api.botframework.com',
      ...(config.BOT_TENANT_ID ? [`https://sts.windows.net/${config.BOT_TENANT_ID}/`, `https://login.microsoftonline.com/${config.BOT_TENANT_ID}/v2.0`] : []),
    ],
  };
  const cloud = new CloudAdapter(authConfig);
  const checkToken = authorizeJWT(authConfig);
  // The SDK's check answers 401 when the Authorization header is missing but still calls next() (seen in
  // agents-hosting 0.6.22): go on only when it has not answered.
  // Its 401 also carries the SDK's own error text (an internal DNS failure fetching keys, say): the caller is
  // told only that the token was not accepted.
  const verified: express.RequestHandler = (req, res, next) => {
    const send = res.send.bind(res);
    res.send = ((body: unknown) => {
      if (res.statusCode !== 401) return send(body);
      // Restored first, and sent as a string: express's send of an object goes through json(), which sends again.
      res.send = send;
      return res.type('json').send(JSON.stringify({ error: 'the Bot Framework token is missing or not valid' }));
    }) as typeof res.send;
    void checkToken(req as Parameters<typeof checkToken>[0], res, (error?: unknown) => {
      res.send = send;
      if (error) return next(error);
      if (!res.headersSent) next();
    });
  };

  function mount({ router }: MountTarget, sink: InboundSink) {
    router.post(BOTFRAMEWORK_PATH, express.json({ limit: '256kb' }), verified, async (req, res) => {
      const activity = IncomingActivity.safeParse(req.body);
      if (!activity.success) return void res.status(400).json({ error: activity.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ') });
      const contact = normaliseActivity(activity.data, new Date());
      if (!contact.ok) return void res.status(400).json({ error: contact.reason });
      if (!contact.value) return void res.status(200).end(); // typing, conversation updates: nothing to store
      try {
        await sink.accept(contact.value);
      } catch {
        return void res.status(503).json({ error: 'temporarily unable to accept the message' });
      }
      // The answer comes later, as its own activity: the bot and agents answer through the hub's queue.
      res.status(202).end();
    });
  }

  async function send(message: OutboundMessage): Promise<SendResult> {
    const reference = ConversationReference.safeParse(message.context?.reference);
    if (!reference.success) throw new ChannelSendError('no Bot Framework conversation to reply in', 'botframework:no-reference', false);
    let id: string | undefined;
    try {
      await cloud.continueConversation(
        reference.data,
        async (context) => {
          // Suggested replies become the channel's own buttons (Teams, Web Chat).
          const sent = await context.sendActivity(
            message.suggestions?.length ? MessageFactory.suggestedActions(message.suggestions, message.text) : message.text,
          );
          id = sent?.id;
        },
        true,
      );
    } catch (error) {
      const status = (error as { status?: number; response?: { status?: number } }).response?.status ?? (error as { status?: number }).status;
      // The connector's 5xx and 429 are worth retrying; a 4xx (conversation gone, bot removed) is not.
      throw new ChannelSendError((error as Error).message, `botframework:${status ?? 'network'}`, !status || status >= 500 || status === 429);
    }
    return { providerMessageId: id ?? message.messageId, status: 'sent', from: `${reference.data.channelId}:${reference.data.agent.id}` };
  }

  return { kind: 'botframework', address: 'botframework', mount, send };
}

export const botframeworkChannel: ChannelModule<BotframeworkConfig> = {
  kind: 'botframework',
  names: { label: 'Bot Framework', by: 'chat' },
  icon: 'bot',
  // A channel user id reaches only a conversation the user keeps (Teams, Direct Line): not a way to call them back.
  capabilities: {
    address: 'botframework_user',
    reachesLater: false,
    speaks: false,
    canText: true,
    textsAddress: false,
    typing: false,
    verifies: false,
    showsTranscript: false,
    turnByTurn: true,
    carrierKeywords: false,
    carriesServiceReplies: false,
    agentCapacity: 3,
    threadsReplies: false,
    repliesNeedContext: true,
    recordedAtDesk: false,
    callsOut: false,
  },
  isOn: (env) => !!env.BOT_APP_ID || env.BOT_ENDPOINT_ANONYMOUS === 'true',
  configSchema: botframeworkConfigSchema,
  create: (config: BotframeworkConfig, _context: ChannelContext) => createBotframeworkAdapter(config),
};
