// Web chat: a widget on the council's pages talks to the socket.io namespace /chat. Messages are
// acknowledged once durable; replies reach the visitor's socket through the fanout and socket.io's adapter
// (whichever process holds it), and the whole transcript is replayed on every (re)connection, so nothing
// sent while the visitor was away is missed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ChannelAdapter, ChannelContext, ChannelModule, InboundSink, MountTarget, OutboundMessage, SendResult, TranscriptEntry } from '../contract.ts';
import { VisitorId, normaliseChatMessage } from './normalise.ts';
import { escapeHtml } from '../html.ts';

export const CHAT_NAMESPACE = '/chat';
const DELIVER_TOPIC = 'webchat.deliver';
const TYPING_TOPIC = 'webchat.typing';
/** At most one typing signal per visitor (or agent) this often: it is a hint, not a stream. */
const TYPING_EVERY_MS = 2000;
const TRANSCRIPT_LENGTH = 200;
/** Only when the hub gave no verification port (it gives one to channels that declare `verifies`, as this one does). */
const NO_VERIFICATION = { ok: false, error: 'Linking your chat is not available just now.' } as const;
const WEB = path.join(import.meta.dirname, 'web');

export const webchatConfigSchema = z.object({
  WEBCHAT_ENABLED: z.enum(['true', 'false']).default('true'),
  /** The council's name (the hub's own setting), shown on the demo page the widget is tried on. */
  COUNCIL_NAME: z.string().trim().min(1).max(100).optional(),
  /** Messages one visitor may send per minute; more are refused with a plain-language error. */
  WEBCHAT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).max(600).default(20),
  /** New chat connections per minute from one network address (many visitors can share one). */
  WEBCHAT_CONNECTIONS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(120),
  /** The council's own sites that may embed the widget, e.g. https://www.anytown.gov.uk (comma-separated). */
  WEBCHAT_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((o) => new URL(o).origin))),
});
export type WebchatConfig = z.infer<typeof webchatConfigSchema>;

const Delivery = z.object({
  visitorId: VisitorId,
  entry: z.object({
    id: z.string(),
    direction: z.literal('outbound'),
    text: z.string(),
    createdAt: z.string(),
    providerMessageId: z.null(),
    suggestions: z.array(z.string()).optional(),
  }),
});
const DeliveredEvent = z.object({ id: z.uuid() });
const VerifyStart = z.union([
  z.object({ phone: z.string().min(3).max(40) }).transform((v) => ({ kind: 'phone' as const, address: v.phone })),
  z.object({ email: z.string().min(3).max(320) }).transform((v) => ({ kind: 'email' as const, address: v.email })),
]);
const VerifyCheck = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'The code is the 6 digits in the text we sent.'),
});

/** Acknowledgement of a visitor's message: shown by the widget as sent, or as the error to fix. */
export type ChatAck = { ok: true; duplicate: boolean } | { ok: false; error: string; retry: boolean };

export function createWebchatAdapter(config: WebchatConfig, context: ChannelContext): ChannelAdapter {
  // Counted by the hub for all its processes together (a visitor's reconnection may land on another one).
  const perVisitor = context.rateLimits.limit('messages-per-visitor', config.WEBCHAT_MESSAGES_PER_MINUTE, 60);
  const perAddress = context.rateLimits.limit('connections-per-address', config.WEBCHAT_CONNECTIONS_PER_MINUTE, 60);

  function isAllowedOrigin(origin: string, host: string | undefined): boolean {
    try {
      const url = new URL(origin);
      return url.host === host || config.WEBCHAT_ALLOWED_ORIGINS.includes(url.origin);
    } catch {
      return false;
    }
  }

  // The demo page in the council's own name (escaped: it is set by whoever runs the hub, but is still text).
  const demoPage = readFileSync(path.join(WEB, 'demo.html'), 'utf8').replaceAll('Anytown Council', escapeHtml(config.COUNCIL_NAME ?? 'Anytown Council'));

  function mount({ router, io, clientAddress }: MountTarget, sink: InboundSink) {
    // The widget's files are loaded by the council's pages on other origins: allow that explicitly.
    const embeddable = { 'Cross-Origin-Resource-Policy': 'cross-origin' };
    router.get('/chat/widget.js', (_req, res) => res.set(embeddable).type('application/javascript').sendFile(path.join(WEB, 'widget.js')));
    router.get('/chat/widget.css', (_req, res) => res.set(embeddable).type('text/css').sendFile(path.join(WEB, 'widget.css')));
    router.get('/chat/demo', (_req, res) => res.type('html').send(demoPage));

    const chat = io.of(CHAT_NAMESPACE);
    chat.use(async (socket, next) => {
      // Only the hub's own pages and the council's listed sites may open a chat (browsers always send Origin).
      const origin = socket.handshake.headers.origin;
      if (origin && !isAllowedOrigin(origin, socket.handshake.headers.host)) return next(new Error('this site is not allowed to use the chat'));
      const visitor = VisitorId.safeParse(socket.handshake.auth?.visitorId);
      if (!visitor.success) return next(new Error('visitorId must be a UUID'));
      if (!(await perAddress.take(clientAddress(socket.request)))) return next(new Error('too many connections; please wait a minute'));
      socket.data.visitorId = visitor.data;
      next();
    });

    chat.on('connection', async (socket) => {
      const visitorId: string = socket.data.visitorId;
      await socket.join(`visitor:${visitorId}`);

      socket.on('message', async (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return; // the widget always asks for an acknowledgement
        const reply = ack as (answer: ChatAck) => void;
        if (!(await perVisitor.take(visitorId)))
          return reply({ ok: false, error: 'You are sending messages very quickly. Please wait a minute and try again.', retry: true });
        const contact = normaliseChatMessage(visitorId, payload, new Date());
        if (!contact.ok) return reply({ ok: false, error: contact.reason, retry: false });
        try {
          const { duplicate } = await sink.accept(contact.value);
          reply({ ok: true, duplicate });
        } catch {
          reply({ ok: false, error: 'We could not take your message just now. It will be sent again when you are reconnected.', retry: true });
        }
      });

      let lastTyping = 0;
      socket.on('typing', () => {
        if (Date.now() - lastTyping < TYPING_EVERY_MS) return;
        lastTyping = Date.now();
        void sink.typing?.({ kind: 'webchat_visitor', address: visitorId }).catch(() => undefined);
      });

      // Linking this chat to the customer's record: a code texted to the number they give.
      const visitor = { kind: 'webchat_visitor' as const, address: visitorId };
      socket.on('verify.start', async (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return;
        const event = VerifyStart.safeParse(payload);
        if (!event.success) return ack({ ok: false, error: 'Please give a phone number or email address.' });
        // The network address too: codes are limited per address as well as per visitor id, which the client makes up.
        if (!sink.verification) return ack(NO_VERIFICATION);
        ack(
          await sink.verification
            .start(visitor, event.data, { address: clientAddress(socket.request) })
            .catch(() => ({ ok: false, error: 'Something went wrong. Please try again.' })),
        );
      });
      socket.on('verify.check', async (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return;
        const event = VerifyCheck.safeParse(payload);
        if (!event.success) return ack({ ok: false, error: event.error.issues[0]?.message ?? 'Please give the code.' });
        if (!sink.verification) return ack(NO_VERIFICATION);
        ack(await sink.verification.check(visitor, event.data.code).catch(() => ({ ok: false, error: 'Something went wrong. Please try again.' })));
      });

      socket.on('delivered', async (payload: unknown) => {
        const event = DeliveredEvent.safeParse(payload);
        if (event.success) await sink.report({ channel: 'webchat', providerMessageId: event.data.id, status: 'delivered' }).catch(() => undefined);
      });

      // Everything so far, replies sent while the visitor was away included; the widget also uses it
      // to resend any of its own messages that never reached us.
      const transcript = (await sink.transcript?.(visitorId, TRANSCRIPT_LENGTH).catch(() => null)) ?? null;
      if (transcript) socket.emit('transcript', transcript);
    });

    // The fanout hands each message to one process, and these emits go through socket.io's Redis streams
    // adapter to the visitor's sockets in every process: once each, and a reply is also kept in the stream for
    // a visitor who reconnects to another process (connection-state recovery). Never `chat.local` here.
    context.fanout.subscribe(TYPING_TOPIC, (raw) => {
      const visitor = VisitorId.safeParse(raw);
      if (visitor.success) chat.to(`visitor:${visitor.data}`).emit('typing');
    });

    context.fanout.subscribe(DELIVER_TOPIC, (raw) => {
      const delivery = Delivery.safeParse(JSON.parse(raw));
      if (delivery.success) chat.to(`visitor:${delivery.data.visitorId}`).emit('message', delivery.data.entry satisfies TranscriptEntry);
    });
  }

  async function send(message: OutboundMessage): Promise<SendResult> {
    const entry: TranscriptEntry = {
      id: message.messageId,
      direction: 'outbound',
      text: message.text,
      createdAt: new Date().toISOString(),
      providerMessageId: null,
      ...(message.suggestions ? { suggestions: message.suggestions } : {}),
    };
    await context.fanout.publish(DELIVER_TOPIC, JSON.stringify({ visitorId: message.to, entry }));
    // 'sent' = pushed to any open socket; the widget's 'delivered' acknowledgement moves it on.
    return { providerMessageId: message.messageId, status: 'sent', from: 'webchat' };
  }

  async function showTyping(visitorId: string) {
    await context.fanout.publish(TYPING_TOPIC, visitorId);
  }

  return { kind: 'webchat', address: 'webchat', mount, send, showTyping };
}

export const webchatChannel: ChannelModule<WebchatConfig> = {
  kind: 'webchat',
  names: { label: 'Web chat', by: 'web chat' },
  icon: 'chat',
  // A visitor id reaches only a browser that comes back to the chat.
  capabilities: {
    address: 'webchat_visitor',
    reachesLater: false,
    speaks: false,
    canText: true,
    textsAddress: true,
    typing: true,
    verifies: true,
    showsTranscript: true,
    turnByTurn: true,
    carrierKeywords: false,
    carriesServiceReplies: false,
    agentCapacity: 3,
    threadsReplies: false,
    repliesNeedContext: false,
    recordedAtDesk: false,
    callsOut: false,
  },
  // On by default: it needs no provider account, and the embedded demo should work out of the box.
  isOn: (env) => env.WEBCHAT_ENABLED !== 'false',
  configSchema: webchatConfigSchema,
  create: createWebchatAdapter,
};
