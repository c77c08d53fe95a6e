// WhatsApp through Twilio: the same Messaging webhooks and API as SMS, with whatsapp: addresses and its own
// sender. WhatsApp lets a business reply freely only within 24 hours of the customer's last message (the
// "customer service window"); after that only approved templates may be sent, which the capability below
// declares so the hub can tell the agent instead of letting Twilio refuse it.
import type { Request } from 'express';
import { z } from 'zod';
import {
  ChannelSendError,
  type Attachment,
  type ChannelAdapter,
  type ChannelModule,
  type InboundSink,
  type MountTarget,
  type OutboundMessage,
  type SendResult,
} from '../contract.ts';
import { twilioStatus } from '../twilio/normalise.ts';
import { classifyTwilioError, createTwilioClient } from '../twilio/client.ts';
import { findSentMessage, mountTwilioMessaging } from '../twilio/messaging.ts';
import { fetchTwilioMedia } from '../twilio/media.ts';
import { twilioSignatureIsValid } from '../twilio/webhook.ts';

export const WHATSAPP_WEBHOOK_PATH = '/webhooks/twilio/whatsapp';
export const WHATSAPP_STATUS_PATH = '/webhooks/twilio/whatsapp/status';

export const whatsappConfigSchema = z.object({
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-f]{32}$/, 'must be a Twilio account SID (AC followed by 32 hex digits)'),
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be the account auth token'),
  /** The council's WhatsApp sender on Twilio, in E.164 form (without the whatsapp: prefix). */
  WHATSAPP_FROM: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be the WhatsApp sender number in E.164 form, e.g. +442079460002'),
  TWILIO_API_BASE_URL: z.url().optional(),
  TWILIO_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});
export type WhatsappConfig = z.infer<typeof whatsappConfigSchema>;

/** Twilio's error for a free-form message outside the 24-hour window. */
const OUTSIDE_WINDOW = 63016;

export function createWhatsappAdapter(config: WhatsappConfig, publicBaseUrl: string): ChannelAdapter {
  const client = createTwilioClient({
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN,
    apiBaseUrl: config.TWILIO_API_BASE_URL,
    timeoutMs: config.TWILIO_TIMEOUT_MS,
  });
  const base = publicBaseUrl.replace(/\/+$/, '');
  const from = `whatsapp:${config.WHATSAPP_FROM}`;
  const signatureIsValid = (req: Request) => twilioSignatureIsValid(config.TWILIO_AUTH_TOKEN, base, req);

  function mount({ router }: MountTarget, sink: InboundSink) {
    mountTwilioMessaging(router, sink, { message: WHATSAPP_WEBHOOK_PATH, status: WHATSAPP_STATUS_PATH }, signatureIsValid);
  }

  const classify = (error: unknown) => {
    const sendError = classifyTwilioError(error);
    if (sendError.code === `twilio:${OUTSIDE_WINDOW}`) {
      return new ChannelSendError(
        'WhatsApp only allows a reply within 24 hours of the customer’s last message: send an approved template, or reach them another way.',
        'whatsapp:outside-window',
        false,
      );
    }
    return sendError;
  };

  async function send(message: OutboundMessage): Promise<SendResult> {
    try {
      const sent = await client.messages.create({ to: `whatsapp:${message.to}`, from, body: message.text, statusCallback: base + WHATSAPP_STATUS_PATH });
      return { providerMessageId: sent.sid, status: twilioStatus(sent.status) ?? 'sending', from: config.WHATSAPP_FROM };
    } catch (error) {
      throw classify(error);
    }
  }

  const findSent = (message: OutboundMessage, since: Date) =>
    findSentMessage(client, { to: `whatsapp:${message.to}`, from, text: message.text, since, ourAddress: config.WHATSAPP_FROM }).catch((error: unknown) => {
      throw classify(error);
    });

  const fetchMedia = (attachment: Attachment) =>
    fetchTwilioMedia(attachment, {
      accountSid: config.TWILIO_ACCOUNT_SID,
      authToken: config.TWILIO_AUTH_TOKEN,
      apiBaseUrl: config.TWILIO_API_BASE_URL,
      timeoutMs: config.TWILIO_TIMEOUT_MS,
    });

  return { kind: 'whatsapp', address: config.WHATSAPP_FROM, mount, send, findSent, fetchMedia };
}

export const whatsappChannel: ChannelModule<WhatsappConfig> = {
  kind: 'whatsapp',
  names: { label: 'WhatsApp', by: 'WhatsApp' },
  icon: 'whatsapp',
  // The customer's WhatsApp is their phone number: it reaches them later, within WhatsApp's reply window.
  capabilities: {
    address: 'phone',
    reachesLater: true,
    replyWindowHours: 24,
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
    repliesNeedContext: false,
    recordedAtDesk: false,
    callsOut: false,
  },
  isOn: (env) => !!env.WHATSAPP_FROM,
  configSchema: whatsappConfigSchema,
  create: (config, context) => createWhatsappAdapter(config, context.publicBaseUrl),
};
