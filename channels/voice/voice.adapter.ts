// Phone calls over Twilio Voice: the caller is greeted and asked, in short plain prompts, to say or key
// what they need; each utterance is a contact on the same pipeline (so the caller reaches the same
// customer record as their texts); pressing 0 or asking for a person puts the call in the queue, where
// an agent can take it (the call is redirected to a <Dial> to the agent). Out of hours, callers hear the
// hours and can leave a message, stored with its recording and transcription.
import type { Request, Response } from 'express';
import twilio from 'twilio';
import { z } from 'zod';
import type {
  CallTarget,
  ChannelAdapter,
  ChannelContext,
  ChannelModule,
  FollowUpCallTurn,
  InboundSink,
  MountTarget,
  Normalised,
  OpeningHours,
  OutboundCall,
} from '../contract.ts';
import { ChannelSendError, TimeZone } from '../contract.ts';
import { classifyTwilioError, createTwilioClient } from '../twilio/client.ts';
import { refuse, twilioForm, twilioSignatureIsValid } from '../twilio/webhook.ts';
import {
  PlacedCallFields,
  normaliseCallStatus,
  normaliseDialResult,
  normaliseGather,
  normaliseTranscription,
  normaliseVoicemail,
  wantsAPerson,
} from './normalise.ts';
import { loadVoiceWording } from './wording.ts';

export const VOICE_WEBHOOK_PATH = '/webhooks/twilio/voice';
export const VOICE_GATHER_PATH = '/webhooks/twilio/voice/gather';
export const VOICE_WAIT_PATH = '/webhooks/twilio/voice/wait';
/** Call status callbacks: set it as the number's "call status changes" URL too, so hang-ups in the queue are seen. */
export const VOICE_STATUS_PATH = '/webhooks/twilio/voice/status';
export const VOICE_DIALLED_PATH = '/webhooks/twilio/voice/dialled';
export const VOICE_RECORDED_PATH = '/webhooks/twilio/voice/recorded';
export const VOICE_TRANSCRIPTION_PATH = '/webhooks/twilio/voice/transcription';
/** A call the hub placed (placeCall): answered, and each key pressed; ?ref= names the call, &q= the question answered. */
export const VOICE_CALL_PATH = '/webhooks/twilio/voice/call';
/** The Twilio queue callers wait in for an agent. */
export const VOICE_QUEUE = 'contact-hub';

/** What callers hear (channels/voice/wording.json), read and checked as the channels are loaded at start. */
const wording = loadVoiceWording();

export const voiceConfigSchema = z.object({
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-f]{32}$/, 'must be a Twilio account SID (AC followed by 32 hex digits)'),
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be the account auth token'),
  TWILIO_API_BASE_URL: z.url().optional(),
  TWILIO_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  VOICE_GREETING: z.string().max(300).default(wording.greeting),
  /** When the phone line is staffed, e.g. "Mo-Fr 09:00-17:00; Sa 10:00-12:00; PH off". Unset: always. Read by the hub. */
  VOICE_OPENING_HOURS: z.string().max(500).optional(),
  VOICE_TIMEZONE: TimeZone.default('Europe/London'),
  /** How long an agent's phone rings before the caller goes back to the queue. */
  VOICE_RING_SECONDS: z.coerce.number().int().min(5).max(120).default(20),
  /** How long a caller's webhook waits for the needs bot's answer before simply asking for anything else. */
  VOICE_BOT_WAIT_MS: z.coerce.number().int().min(500).max(10_000).default(4_000),
});
export type VoiceConfig = z.infer<typeof voiceConfigSchema>;

const say = { language: 'en-GB' } as const;

export function createVoiceAdapter(config: VoiceConfig, context: ChannelContext): ChannelAdapter {
  const now = () => new Date();
  // Read once at start (the hub already refused an unreadable value, naming VOICE_OPENING_HOURS).
  const hours = config.VOICE_OPENING_HOURS ? context.openingHours(config.VOICE_OPENING_HOURS, config.VOICE_TIMEZONE) : null;
  const base = context.publicBaseUrl.replace(/\/+$/, '');
  const client = createTwilioClient({
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN,
    apiBaseUrl: config.TWILIO_API_BASE_URL,
    timeoutMs: config.TWILIO_TIMEOUT_MS,
  });
  const signed = (req: Request) => twilioSignatureIsValid(config.TWILIO_AUTH_TOKEN, base, req);
  const twiml = (res: Response, response: twilio.twiml.VoiceResponse) => void res.type('text/xml').send(response.toString());

  function ask(response: twilio.twiml.VoiceResponse, prompt: string) {
    const gather = response.gather({
      input: ['speech', 'dtmf'],
      action: base + VOICE_GATHER_PATH,
      method: 'POST',
      speechTimeout: 'auto',
      numDigits: 1,
      language: 'en-GB',
    });
    gather.say(say, prompt);
    // Reached only when the caller says nothing.
    response.say(say, wording.nothingHeard);
    response.hangup();
  }

  function queue(response: twilio.twiml.VoiceResponse) {
    response.enqueue({ waitUrl: base + VOICE_WAIT_PATH, waitUrlMethod: 'POST' }, VOICE_QUEUE);
  }

  function closed(response: twilio.twiml.VoiceResponse, hours: OpeningHours) {
    const opens = hours.opensInWords(now());
    const said = { greeting: config.VOICE_GREETING, hours: hours.spoken, emergency: wording.emergency };
    response.say(say, opens ? wording.closedUntil.fill({ ...said, opens }) : wording.closed.fill(said));
    response.record({
      action: base + VOICE_RECORDED_PATH,
      method: 'POST',
      maxLength: 120,
      finishOnKey: '#',
      playBeep: true,
      transcribe: true,
      transcribeCallback: base + VOICE_TRANSCRIPTION_PATH,
    });
    response.say(say, wording.noMessage);
    response.hangup();
  }

  /** The webhook of a placed call, with its ref and the question its keys answer (both in the signed URL). */
  const callUrl = (ref: string, question?: string) =>
    `${base}${VOICE_CALL_PATH}?${new URLSearchParams({ ref, ...(question ? { q: question } : {}) }).toString()}`;

  function mount({ router }: MountTarget, sink: InboundSink) {
    // Given to channels that declare `speaks`, as this one does: without it no caller could be queued or answered.
    const calls = sink.calls;
    if (!calls) throw new Error("the voice channel needs the sink's calls port (its capabilities declare speaks)");
    router.post(VOICE_WEBHOOK_PATH, twilioForm, (req, res) => {
      if (!signed(req)) return refuse(res, 403, 'Twilio signature missing or invalid');
      const response = new twilio.twiml.VoiceResponse();
      if (hours && !hours.isOpen(now())) closed(response, hours);
      else {
        response.say(say, config.VOICE_GREETING);
        ask(response, wording.prompt);
      }
      twiml(res, response);
    });

    // A call the hub placed: each turn (what to say, which key answers what) is the hub's; the words come with it.
    router.post(VOICE_CALL_PATH, twilioForm, async (req, res) => {
      if (!signed(req)) return refuse(res, 403, 'Twilio signature missing or invalid');
      const { ref, q } = req.query;
      const token = /^[\w.:-]{1,100}$/;
      if (typeof ref !== 'string' || !token.test(ref) || (q !== undefined && (typeof q !== 'string' || !token.test(q))))
        return refuse(res, 400, 'ref or q missing or malformed');
      const fields = PlacedCallFields.safeParse(req.body);
      if (!fields.success) return refuse(res, 400, 'CallSid, AnsweredBy or Digits malformed');
      const response = new twilio.twiml.VoiceResponse();
      // An answering machine (machineDetection) is not asked anything: the hub's question stays open.
      const answeredBy = fields.data.AnsweredBy ?? '';
      if (!sink.followUpCalls || answeredBy.startsWith('machine') || answeredBy === 'fax') {
        response.hangup();
        return twiml(res, response);
      }
      let turn: FollowUpCallTurn;
      try {
        const digits = fields.data.Digits ?? '';
        turn = await sink.followUpCalls.turn({ ref, callId: fields.data.CallSid, ...(q ? { question: q, digits } : {}) });
      } catch {
        return refuse(res, 503, 'temporarily unable to record the answer');
      }
      if (turn.ask) {
        const action = callUrl(ref, turn.ask.question);
        response.gather({ input: ['dtmf'], numDigits: 1, action, method: 'POST', timeout: 8 }).say(say, turn.say);
        // No key pressed: the same question's webhook without Digits, which the hub takes as a wrong key.
        response.redirect({ method: 'POST' }, action);
      } else {
        response.say(say, turn.say);
        response.hangup();
      }
      twiml(res, response);
    });

    router.post(VOICE_GATHER_PATH, twilioForm, async (req, res) => {
      if (!signed(req)) return refuse(res, 403, 'Twilio signature missing or invalid');
      const contact = normaliseGather(req.body, now());
      if (!contact.ok) {
        if (!contact.caller) return refuse(res, 400, contact.reason);
        // A caller must always hear something: a withheld number or silence is answered in speech.
        const response = new twilio.twiml.VoiceResponse();
        if (contact.caller === 'silent') ask(response, wording.prompt);
        else {
          response.say(say, wording.numberWithheld);
          response.hangup();
        }
        return twiml(res, response);
      }
      const toAPerson = wantsAPerson(req.body);
      try {
        await sink.accept(contact.value);
      } catch {
        return refuse(res, 503, 'temporarily unable to record what was said');
      }
      // What was said is stored; a caller who asked for a person joins the queue even if the call record
      // cannot be written just now (the database is down): being heard matters more than the desk's list.
      if (toAPerson)
        await calls
          .report({ callId: req.body.CallSid, leg: 'caller', kind: 'queued', from: contact.value.from.address, at: contact.value.receivedAt })
          .catch(() => undefined);
      const response = new twilio.twiml.VoiceResponse();
      if (toAPerson) {
        response.say(say, wording.hold);
        queue(response);
        return twiml(res, response);
      }
      // The needs bot answers in the call itself; without it (off, or a person has the conversation) the
      // caller is simply asked for anything else.
      const reply = await calls.awaitBotReply(contact.value, config.VOICE_BOT_WAIT_MS).catch(() => null);
      if (!reply) ask(response, wording.again);
      else if (reply.next === 'continue') ask(response, reply.texts.join(' ') || wording.again);
      else {
        response.say(say, reply.texts.join(' ') || wording.hold);
        if (reply.next === 'end') {
          response.say(say, wording.goodbye);
          response.hangup();
        } else {
          try {
            await calls.report({ callId: req.body.CallSid, leg: 'caller', kind: 'queued', from: contact.value.from.address, at: now().toISOString() });
          } catch {
            return refuse(res, 503, 'temporarily unable to queue the call');
          }
          queue(response);
        }
      }
      twiml(res, response);
    });

    // Played in a loop while the caller waits: where they are, and what to do in an emergency.
    router.post(VOICE_WAIT_PATH, twilioForm, (req, res) => {
      if (!signed(req)) return refuse(res, 403, 'Twilio signature missing or invalid');
      const position = Number(req.body.QueuePosition);
      const response = new twilio.twiml.VoiceResponse();
      const emergency = wording.emergency;
      response.say(say, Number.isInteger(position) && position > 0 ? wording.waitingAt.fill({ position, emergency }) : wording.waiting.fill({ emergency }));
      response.pause({ length: 20 });
      twiml(res, response);
    });

    // Callbacks Twilio only needs a 204 for: verify, normalise, record, answer.
    function callback<T>(
      path: string,
      normalise: (fields: Record<string, string>, at: Date) => Normalised<T | null>,
      record: (value: T) => Promise<unknown>,
      what: string,
    ) {
      router.post(path, twilioForm, async (req, res) => {
        if (!signed(req)) return refuse(res, 403, 'Twilio signature missing or invalid');
        const result = normalise(req.body, now());
        if (!result.ok) return refuse(res, 400, result.reason);
        try {
          if (result.value) await record(result.value);
        } catch {
          return refuse(res, 503, `temporarily unable to record ${what}`);
        }
        res.status(204).end();
      });
    }

    callback(VOICE_STATUS_PATH, normaliseCallStatus, (report) => calls.report(report), 'the call status');
    callback(VOICE_TRANSCRIPTION_PATH, normaliseTranscription, (contact) => sink.accept(contact), 'the transcription');

    // The agent's phone stopped ringing or the agent hung up: talked → goodbye; otherwise back in the queue.
    router.post(VOICE_DIALLED_PATH, twilioForm, async (req, res) => {
      if (!signed(req)) return refuse(res, 403, 'Twilio signature missing or invalid');
      const result = normaliseDialResult(req.body);
      if (!result.ok) return refuse(res, 400, result.reason);
      const response = new twilio.twiml.VoiceResponse();
      if (result.value.talked) {
        response.say(say, wording.talked);
        response.hangup();
        return twiml(res, response);
      }
      try {
        await calls.report({ callId: result.value.callSid, leg: 'caller', kind: 'returned_to_queue', at: now().toISOString() });
      } catch {
        return refuse(res, 503, 'temporarily unable to record the call');
      }
      response.say(say, wording.nobodyAnswered);
      queue(response);
      twiml(res, response);
    });

    router.post(VOICE_RECORDED_PATH, twilioForm, async (req, res) => {
      if (!signed(req)) return refuse(res, 403, 'Twilio signature missing or invalid');
      const voicemail = normaliseVoicemail(req.body, now());
      if (!voicemail.ok) return refuse(res, 400, voicemail.reason);
      const response = new twilio.twiml.VoiceResponse();
      try {
        if (voicemail.value) await sink.accept(voicemail.value);
      } catch {
        return refuse(res, 503, 'temporarily unable to store the message');
      }
      response.say(say, voicemail.value ? wording.messageTaken : wording.noMessage);
      response.hangup();
      twiml(res, response);
    });
  }

  async function connectCall(callSid: string, target: CallTarget) {
    const response = new twilio.twiml.VoiceResponse();
    response.say(say, wording.connecting);
    // answerOnBridge: the caller keeps hearing the queue's silence, not ringing, until the agent answers.
    const dial = response.dial({ action: base + VOICE_DIALLED_PATH, method: 'POST', timeout: config.VOICE_RING_SECONDS, answerOnBridge: true });
    const progress = {
      statusCallback: base + VOICE_STATUS_PATH,
      statusCallbackMethod: 'POST',
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'] as ('initiated' | 'ringing' | 'answered' | 'completed')[],
    };
    if ('phone' in target) dial.number(progress, target.phone);
    else dial.client(progress, target.client);
    try {
      await client.calls(callSid).update({ twiml: response.toString() });
    } catch (error) {
      throw classifyTwilioError(error);
    }
  }

  async function placeCall(call: OutboundCall) {
    try {
      // machineDetection: Twilio says who answered (AnsweredBy), so a machine is not asked the questions.
      const placed = await client.calls.create({ to: call.to, from: call.from, url: callUrl(call.ref), method: 'POST', machineDetection: 'Enable' });
      return { callId: placed.sid };
    } catch (error) {
      throw classifyTwilioError(error);
    }
  }

  return {
    kind: 'voice',
    address: 'voice',
    mount,
    connectCall,
    placeCall,
    // A call cannot be answered in writing; replies to a call are sent by SMS (hub/outbound/compose.ts).
    send: async () => {
      throw new ChannelSendError('a call cannot be answered in writing; reply by SMS', 'voice:no-written-reply', false);
    },
  };
}

export const voiceChannel: ChannelModule<VoiceConfig> = {
  kind: 'voice',
  names: { label: 'Phone', by: 'phone' },
  icon: 'phone',
  capabilities: {
    address: 'phone',
    reachesLater: true,
    speaks: true,
    canText: false,
    textsAddress: false,
    typing: false,
    verifies: false,
    showsTranscript: false,
    turnByTurn: true,
    carrierKeywords: false,
    carriesServiceReplies: false,
    agentCapacity: 1,
    threadsReplies: false,
    repliesNeedContext: false,
    recordedAtDesk: false,
    callsOut: true,
  },
  // On with the Twilio credentials unless VOICE_ENABLED=false.
  isOn: (env) => !!env.TWILIO_AUTH_TOKEN && env.VOICE_ENABLED !== 'false',
  configSchema: voiceConfigSchema,
  openingHoursSettings: (config) =>
    config.VOICE_OPENING_HOURS ? [{ setting: 'VOICE_OPENING_HOURS', spec: config.VOICE_OPENING_HOURS, timeZone: config.VOICE_TIMEZONE }] : [],
  create: createVoiceAdapter,
};
