// SMS over Twilio Programmable Messaging: verify → normalise → sink; send through the twilio SDK.
import type { Request } from 'express';
import { z } from 'zod';
import type { Attachment, ChannelAdapter, ChannelModule, InboundSink, MountTarget, OutboundMessage, SendResult } from '../contract.ts';
import { twilioStatus } from '../twilio/normalise.ts';
import { classifyTwilioError, createTwilioClient } from '../twilio/client.ts';
import { findSentMessage, mountTwilioMessaging } from '../twilio/messaging.ts';
import { fetchTwilioMedia } from '../twilio/media.ts';
import { twilioSignatureIsValid } from '../twilio/webhook.ts';

export const SMS_WEBHOOK_PATH = '/webhooks/twilio/sms';
export const SMS_STATUS_PATH = '/webhooks/twilio/sms/status';

/** The SMS channel's own environment variables; the channel is on when all three credentials are set. */
export const smsConfigSchema = z.object({
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-f]{32}$/, 'must be a Twilio account SID (AC followed by 32 hex digits)'),
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be the account auth token'),
  // Shape only: our own number is whatever Twilio sold us, even where phone metadata lags behind.
  TWILIO_PHONE_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, e.g. +442079460000'),
  /** Another origin for Twilio's REST API, and so for the media it keeps (tests' fake server, regional proxies). */
  TWILIO_API_BASE_URL: z.url().optional(),
  TWILIO_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});
export type SmsConfig = z.infer<typeof smsConfigSchema>;

export interface SmsAdapterOptions {
  config: SmsConfig;
  /** The public origin Twilio calls (e.g. https://hub.council.gov.uk); signatures are computed over it. */
  publicBaseUrl: string;
}

export function createSmsAdapter({ config, publicBaseUrl }: SmsAdapterOptions): ChannelAdapter {
  const client = createTwilioClient({
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN,
    apiBaseUrl: config.TWILIO_API_BASE_URL,
    timeoutMs: config.TWILIO_TIMEOUT_MS,
  });
  const ourNumber = config.TWILIO_PHONE_NUMBER;
  const base = publicBaseUrl.replace(/\/+$/, '');

  const signatureIsValid = (req: Request) => twilioSignatureIsValid(config.TWILIO_AUTH_TOKEN, base, req);

  function mount({ router }: MountTarget, sink: InboundSink) {
    mountTwilioMessaging(router, sink, { message: SMS_WEBHOOK_PATH, status: SMS_STATUS_PATH }, signatureIsValid);
  }

  async function send(message: OutboundMessage): Promise<SendResult> {
    try {
      const sent = await client.messages.create({
        to: message.to,
        from: ourNumber,
        body: message.text,
        statusCallback: base + SMS_STATUS_PATH,
      });
      return { providerMessageId: sent.sid, status: twilioStatus(sent.status) ?? 'sending', from: ourNumber };
    } catch (error) {
      throw classifyTwilioError(error);
    }
  }

  const findSent = (message: OutboundMessage, since: Date) =>
    findSentMessage(client, { to: message.to, from: ourNumber, text: message.text, since, ourAddress: ourNumber }).catch((error: unknown) => {
      throw classifyTwilioError(error);
    });

  const fetchMedia = (attachment: Attachment) =>
    fetchTwilioMedia(attachment, {
      accountSid: config.TWILIO_ACCOUNT_SID,
      authToken: config.TWILIO_AUTH_TOKEN,
      apiBaseUrl: config.TWILIO_API_BASE_URL,
      timeoutMs: config.TWILIO_TIMEOUT_MS,
    });

  return { kind: 'sms', address: ourNumber, mount, send, findSent, fetchMedia };
}

export const smsChannel: ChannelModule<SmsConfig> = {
  kind: 'sms',
  names: { label: 'SMS', by: 'text message' },
  icon: 'text',
  capabilities: {
    address: 'phone',
    reachesLater: true,
    speaks: false,
    canText: true,
    textsAddress: true,
    typing: false,
    verifies: false,
    showsTranscript: false,
    turnByTurn: true,
    carrierKeywords: true,
    carriesServiceReplies: false,
    agentCapacity: 3,
    threadsReplies: false,
    repliesNeedContext: false,
    recordedAtDesk: false,
    callsOut: false,
  },
  // On when any Twilio credential is set (then all must be valid); off when none is.
  isOn: (env) => ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_PHONE_NUMBER'].some((name) => env[name]),
  configSchema: smsConfigSchema,
  create: (config, context) => createSmsAdapter({ config, publicBaseUrl: context.publicBaseUrl }),
};
