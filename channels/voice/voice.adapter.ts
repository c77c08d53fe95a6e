// Phone calls over Twilio Voice: the caller is greeted and asked, in short plain prompts, to say or key
// what they need; each utterance is a contact on the same pipeline (so the caller reaches the same
// customer record as their texts); pressing 0 or asking for a person puts the call in the queue.
import type { Request, Response } from 'express';
import twilio from 'twilio';
import { z } from 'zod';
import { ChannelSendError, type ChannelAdapter, type ChannelContext, type ChannelModule, type InboundSink, type MountTarget } from '../contract.ts';
import { refuse, twilioForm, twilioSignatureIsValid } from '../twilio/webhook.ts';
import { normaliseGather, wantsAPerson } from './normalise.ts';

export const VOICE_WEBHOOK_PATH = '/webhooks/twilio/voice';
export const VOICE_GATHER_PATH = '/webhooks/twilio/voice/gather';
/** The Twilio queue callers wait in for an agent. */
export const VOICE_QUEUE = 'contact-hub';

export const voiceConfigSchema = z.object({
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be the account auth token'),
  VOICE_GREETING: z.string().max(300).default('Hello, you are through to the council.'),
});
export type VoiceConfig = z.infer<typeof voiceConfigSchema>;

const PROMPT = 'Please tell us in a few words how we can help. Or press 0 to speak to someone.';
const AGAIN = 'Thank you. Is there anything else? Or press 0 to speak to someone.';

export function createVoiceAdapter(config: VoiceConfig, context: ChannelContext): ChannelAdapter {
  const base = context.publicBaseUrl.replace(/\/+$/, '');
  const signed = (req: Request) => twilioSignatureIsValid(config.TWILIO_AUTH_TOKEN, base, req);
  const twiml = (res: Response, response: twilio.twiml.VoiceResponse) => void res.type('text/xml').send(response.toString());

  function ask(response: twilio.twiml.VoiceResponse, prompt: string) {
    const gather = response.gather({ input: ['speech', 'dtmf'], action: base + VOICE_GATHER_PATH, method: 'POST', speechTimeout: 'auto', numDigits: 1, language: 'en-GB' });
    gather.say({ language: 'en-GB' }, prompt);
    // Reached only when the caller says nothing.
    response.say({ language: 'en-GB' }, 'We did not hear anything. You can also text or chat with us online. Goodbye.');
    response.hangup();
  }

  function mount({ router }: MountTarget, sink: InboundSink) {
    router.post(VOICE_WEBHOOK_PATH, twilioForm, (req, res) => {
      if (!signed(req)) return refuse(res, 403, 'Twilio signature missing or invalid');
      const response = new twilio.twiml.VoiceResponse();
      response.say({ language: 'en-GB' }, config.VOICE_GREETING);
      ask(response, PROMPT);
      twiml(res, response);
    });

    router.post(VOICE_GATHER_PATH, twilioForm, async (req, res) => {
      if (!signed(req)) return refuse(res, 403, 'Twilio signature missing or invalid');
      const contact = normaliseGather(req.body, new Date());
      if (!contact.ok) {
        if (!contact.caller) return refuse(res, 400, contact.reason);
        // A caller must always hear something: a withheld number or silence is answered in speech.
        const response = new twilio.twiml.VoiceResponse();
        if (contact.caller === 'silent') ask(response, PROMPT);
        else {
          response.say({ language: 'en-GB' }, 'We cannot see your phone number, so we cannot keep a record of your request. Please call again without withholding your number, or chat with us online. Goodbye.');
          response.hangup();
        }
        return twiml(res, response);
      }
      try {
        await sink.accept(contact.value);
      } catch {
        return refuse(res, 503, 'temporarily unable to record what was said');
      }
      const response = new twilio.twiml.VoiceResponse();
      if (wantsAPerson(req.body)) {
        response.say({ language: 'en-GB' }, 'Please hold. We are connecting you to someone.');
        response.enqueue(VOICE_QUEUE);
      } else {
        ask(response, AGAIN);
      }
      twiml(res, response);
    });
  }

  return {
    kind: 'voice',
    address: 'voice',
    mount,
    // A call cannot be answered in writing; replies to a call are sent by SMS (hub/outbound/compose.ts).
    send: async () => {
      throw new ChannelSendError('a call cannot be answered in writing; reply by SMS', 'voice:no-written-reply', false);
    },
  };
}

export const voiceChannel: ChannelModule<VoiceConfig> = {
  kind: 'voice',
  // On with the Twilio credentials unless VOICE_ENABLED=false.
  isOn: (env) => !!env.TWILIO_AUTH_TOKEN && env.VOICE_ENABLED !== 'false',
  configSchema: voiceConfigSchema,
  create: createVoiceAdapter,
};
