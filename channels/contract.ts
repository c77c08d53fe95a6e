// The one contract every channel adapter implements. Channels depend on nothing in the hub:
// the hub hands an adapter an InboundSink and calls send(); everything crossing is validated here.
// As a namespace import: the desk's bundle includes this file (agent-desk/shared/views.ts), and only then can
// esbuild leave out the parts of zod it does not use (the named `z` export carries all of zod's locales).
import * as z from 'zod';
import type { Router } from 'express';
import type { Server as SocketServer } from 'socket.io';
import type { IncomingMessage } from 'node:http';

/**
 * A channel's name ('sms', 'webchat'): each channel's module declares its own, and channels/registry.ts lists the
 * channels there are. It is data, not a closed list here or in the database, so adding a channel changes neither.
 */
export const ChannelKind = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'a channel name is 2 to 32 lower-case letters, digits and _');
export type ChannelKind = string;

/**
 * The kind of address a customer has on a channel (one phone number serves SMS and voice): 'phone' and 'email',
 * which several channels share and the hub itself sends codes to, or one a channel declares as its own
 * ('webchat_visitor', 'botframework_user').
 */
export const ContactPointKind = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'an address kind is 2 to 32 lower-case letters, digits and _');
export type ContactPointKind = string;

export const Attachment = z.object({
  url: z.url(),
  contentType: z.string().min(1).max(255),
});
export type Attachment = z.infer<typeof Attachment>;

/**
 * Whether an email's From address was shown to be the sender's (SPF, DKIM, DMARC, ARC; `mailauth`).
 * verdict pass: DMARC passed, or a DKIM signature passed and is aligned with the From domain. temperror: a
 * lookup failed or ran out of time, so nothing could be shown either way. Anything but pass is not trusted.
 */
export const SenderAuth = z.object({
  verdict: z.enum(['pass', 'fail', 'none', 'temperror']),
  /** The From address's domain, the one that had to be shown. */
  domain: z.string().max(255),
  /** Who found it: the hub's own check, or the council's mail gateway (its Authentication-Results, when configured to trust it). */
  by: z.enum(['hub', 'gateway']),
  dmarc: z.object({ result: z.string().max(16), policy: z.string().max(16).optional() }),
  /** Null where the hub did not see the SMTP connection (IMAP): no client address to check. */
  spf: z.object({ result: z.string().max(16), domain: z.string().max(255) }).nullable(),
  dkim: z.array(z.object({ domain: z.string().max(255), aligned: z.boolean(), result: z.string().max(16) })).max(20),
  arc: z.object({ result: z.string().max(16) }),
});
export type SenderAuth = z.infer<typeof SenderAuth>;

/** One contact from a customer, normalised from any provider's payload. */
export const InboundContact = z.object({
  channel: ChannelKind,
  /** The provider's own id for this message: the idempotency key (Twilio MessageSid, email Message-ID, …). */
  providerMessageId: z.string().min(1).max(255),
  /** The customer's address, already normalised (E.164 phone, lower-cased email, visitor id). */
  from: z.object({ kind: ContactPointKind, address: z.string().min(1).max(320) }),
  /** The hub's own address the contact was sent to (our number, our mailbox). */
  to: z.string().min(1).max(320),
  text: z.string().max(20_000),
  attachments: z.array(Attachment).max(20),
  receivedAt: z.iso.datetime(),
  /** The provider's payload as received, kept for audit and reprocessing. */
  raw: z.record(z.string(), z.unknown()),
  /** A formatted version, already sanitised by the channel (email's HTML), for display only. */
  html: z.string().max(2_000_000).optional(),
  /** What the agent should know about how it arrived, e.g. an attachment that was not accepted. */
  notices: z.array(z.string().max(500)).max(50).optional(),
  /**
   * What the contact says it answers: provider ids of earlier messages (email In-Reply-To, then
   * References, nearest first) and the conversation reference the hub put in what it sent.
   */
  replyTo: z.object({ messageIds: z.array(z.string().min(1).max(998)).max(100), reference: z.string().max(32).optional() }).optional(),
  /** For channels whose sender address can be forged (email): whether it was shown to be the sender's. */
  senderAuth: SenderAuth.optional(),
});
export type InboundContact = z.infer<typeof InboundContact>;

/** A file that came with a contact, handed to the sink beside it: bytes never travel inside the JSON. */
export const InboundFile = z.object({
  filename: z.string().min(1).max(255),
  contentType: z.string().min(1).max(255),
  content: z.instanceof(Uint8Array),
});
export type InboundFile = z.infer<typeof InboundFile>;

/** What a pure normaliser returns: the value, or the reason it is refused (sent back to the client). */
export type Normalised<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Outbound lifecycle as providers report it, in the hub's own words. */
export const DeliveryStatus = z.enum(['sending', 'sent', 'delivered', 'undelivered', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const DeliveryReport = z.object({
  channel: ChannelKind,
  providerMessageId: z.string().min(1).max(255),
  status: DeliveryStatus,
  errorCode: z.string().max(64).optional(),
});
export type DeliveryReport = z.infer<typeof DeliveryReport>;

export const OutboundMessage = z.object({
  /** The hub's message id: lets a provider callback or log line be traced back. */
  messageId: z.string().min(1),
  channel: ChannelKind,
  /** The customer's address on this channel. */
  to: z.string().min(1).max(320),
  text: z.string().min(1).max(20_000),
  /** Suggested replies, for channels that can show them as buttons (web chat); others show only the text. */
  suggestions: z.array(z.string().min(1).max(40)).max(6).optional(),
  /** Sent by the hub itself (the bot, a notice), not written by a person: email marks it Auto-Submitted (RFC 3834). */
  automatic: z.boolean().optional(),
  /** A subject for a message that starts a thread (email). */
  subject: z.string().max(200).optional(),
  /** The provider's routing data from the customer's latest message on this channel (a Bot Framework conversation reference). */
  context: z.record(z.string(), z.unknown()).optional(),
  /** Where it belongs in the customer's thread (email: In-Reply-To, References, Subject). */
  thread: z
    .object({
      inReplyTo: z.string().optional(),
      references: z.array(z.string()).default([]),
      subject: z.string().optional(),
      /** The conversation's short reference, shown in the subject so a reply that lost its headers still threads. */
      reference: z.string().max(32).optional(),
    })
    .optional(),
});
export type OutboundMessage = z.infer<typeof OutboundMessage>;

export interface SendResult {
  providerMessageId: string;
  status: DeliveryStatus;
  /** The hub's own address the message was sent from. */
  from: string;
}

/**
 * A send that failed. `retryable` decides what the outbound worker does: temporary faults
 * (provider 5xx, 429, timeouts) retry with backoff; permanent ones (bad number, bad credentials) stop.
 */
export class ChannelSendError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ChannelSendError';
  }
}

export interface FetchedMedia {
  contentType: string;
  content: Uint8Array;
}

/** Why a provider's media was not fetched; the message is for the agent and for logs (never the URL). */
export class MediaError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'MediaError';
  }
}

/** A phone call's progress, as the provider reports it or as the call flow decides it. */
export const CallReport = z.object({
  /** The provider's id for the customer's call (its format is the provider's business: the channel checks it). */
  callId: z.string().min(1).max(128),
  /** Whose leg: the customer's own call, or the one put through to an agent. */
  leg: z.enum(['caller', 'agent']),
  kind: z.enum(['queued', 'ringing', 'answered', 'completed', 'busy', 'no_answer', 'failed', 'canceled', 'returned_to_queue']),
  /** The caller's number; needed when a call first joins the queue. */
  from: z.string().max(32).optional(),
  /** For a provider callback: its leg and status, so a retried callback is recorded once. */
  providerKey: z.string().max(128).optional(),
  at: z.iso.datetime(),
});
export type CallReport = z.infer<typeof CallReport>;

/** Where a taken call is put through: an agent's phone number (E.164) or a client identity at the provider. */
export type CallTarget = { phone: string } | { client: string };

/**
 * What the hub gives an adapter to hand inbound traffic to: every channel gets the core (accept, report); the
 * ports after it are given only to a channel whose capabilities declare what they serve, so an adapter that
 * needs one checks for it once, when it mounts.
 */
export interface InboundSink {
  /**
   * Records the contact durably; resolves once it is safe to acknowledge the provider. Its files and the
   * provider's raw payload are stored in the same transaction, so they too are stored exactly once.
   */
  accept(contact: InboundContact, extras?: { files?: InboundFile[]; payload?: Uint8Array }): Promise<{ duplicate: boolean }>;
  /** Records a provider's delivery report for a message the hub sent. */
  report(report: DeliveryReport): Promise<void>;
  /** Capability `typing`: the customer at this address is typing (ephemeral; nothing is stored). */
  readonly typing?: (from: InboundContact['from']) => Promise<void>;
  /** Capability `verifies`: a customer proves they control a phone number or email address. */
  readonly verification?: VerificationPort;
  /** Capability `showsTranscript`: the messages exchanged with one address on this channel, oldest first (the latest `limit`). */
  readonly transcript?: (address: string, limit: number) => Promise<TranscriptEntry[]>;
  /** Capability `speaks`: a live call's bot answers and progress. */
  readonly calls?: CallPort;
  /** Capability `callsOut`: what to say on a call the hub placed (placeCall), and the keys the customer pressed. */
  readonly followUpCalls?: FollowUpCallPort;
}

/**
 * A call the hub placed to ask the customer questions they answer by keys. The adapter only carries words and
 * keys: the hub decides what is asked, and a `question` token (opaque here) says which question a key answers,
 * so a retried webhook is recorded once.
 */
export interface FollowUpCallPort {
  /**
   * The next thing to say. Without `question`, the call was just answered; with it, `digits` answers that question
   * (empty: no key or not one key). Throws when it cannot be recorded now (the provider retries).
   */
  turn(input: { ref: string; callId: string; question?: string; digits?: string }): Promise<FollowUpCallTurn>;
}

/** What to say; with `ask`, then wait for one key, which answers `ask.question`; without it, hang up. */
export interface FollowUpCallTurn {
  say: string;
  ask?: { question: string };
}

/** A call for the hub to place: `ref` comes back on every webhook of the call (placeCall's caller knows what it is). */
export interface OutboundCall {
  /** The customer's number (E.164). */
  to: string;
  /** The hub's number to call from (the one the customer called). */
  from: string;
  ref: string;
}

export interface VerificationPort {
  /** Sends a one-time code to a phone number (by SMS) or email address the customer at `from` says is theirs. */
  start(from: InboundContact['from'], claimed: { kind: 'phone' | 'email'; address: string }, client?: { address: string }): Promise<VerificationResult>;
  /** Checks the code; when right, `from` and the claimed address are linked to one customer record. */
  check(from: InboundContact['from'], code: string): Promise<VerificationResult>;
}

export interface CallPort {
  /**
   * Waits (up to `timeoutMs`) for the bot's answer to a contact just accepted: the caller is waiting on the line.
   * Null: the bot is not answering it (off, or a person has it).
   */
  awaitBotReply(contact: Pick<InboundContact, 'channel' | 'providerMessageId'>, timeoutMs: number): Promise<BotReplyForCall | null>;
  /** Records a call's progress (queued for an agent, ringing, answered, ended). */
  report(report: CallReport): Promise<void>;
}

/** The bot's answer to a caller: what to say, then whether the call goes on, to a person, or ends. */
export interface BotReplyForCall {
  texts: string[];
  next: 'continue' | 'person' | 'end';
}

/** The error is plain language, meant to be shown to the customer. */
/** hasPlan (after a check): the record they are now linked to has a plan of their own to see (the widget offers it). */
export type VerificationResult = { ok: true; hasPlan?: boolean } | { ok: false; error: string };

export interface TranscriptEntry {
  id: string;
  direction: 'inbound' | 'outbound';
  text: string;
  createdAt: string;
  /** For outbound entries, replies the customer can pick instead of typing. */
  suggestions?: string[];
  /** For inbound entries, the id the sender gave it (the idempotency key). */
  providerMessageId: string | null;
}

/** Where an adapter takes traffic in: HTTP routes at the site root, and the socket.io server. */
export interface MountTarget {
  router: Router;
  io: SocketServer;
  /** The client's network address: X-Forwarded-For is believed only from the hub's trusted proxies. */
  clientAddress(request: IncomingMessage): string;
}

export interface ChannelAdapter {
  readonly kind: ChannelKind;
  /** The hub's own address on this channel, shown to agents (our number, our mailbox). */
  readonly address: string;
  /** Takes inbound traffic in (webhooks verify the provider's signature) and hands it to the sink. */
  mount(target: MountTarget, sink: InboundSink): void | Promise<void>;
  /** Stops listeners the adapter started itself (an SMTP server). */
  close?(): Promise<void>;
  send(message: OutboundMessage): Promise<SendResult>;
  /**
   * Whether a message whose earlier send may have reached the provider (the worker crashed, or no answer came)
   * was in fact accepted, looked up before sending it again, on channels whose provider can tell. `since` is
   * when the hub queued it.
   */
  findSent?(message: OutboundMessage, since: Date): Promise<SendResult | null>;
  /** Shows the customer that an agent is typing, on channels that can. */
  showTyping?(to: string): Promise<void>;
  /**
   * Fetches a file the provider holds for an inbound message (MMS, WhatsApp media), with the account's
   * credentials, on channels whose provider keeps media. Throws MediaError: `retryable` false when it never
   * will be fetched (not the provider's own media URL, a type or size not accepted).
   */
  fetchMedia?(attachment: Attachment): Promise<FetchedMedia>;
  /** Puts a call waiting in the queue through to an agent, on channels that carry calls (`callId`: CallReport's). */
  connectCall?(callId: string, target: CallTarget): Promise<void>;
  /**
   * Calls the customer (capability `callsOut`); the call's webhooks ask the sink's followUpCalls port what to say.
   * Resolves once the provider has taken the call (not when it is answered). Throws ChannelSendError.
   */
  placeCall?(call: OutboundCall): Promise<{ callId: string }>;
}

/** What every channel gets from the hub when it is created. */
export interface ChannelContext {
  /** The public origin providers call; webhook signatures are computed over it. */
  publicBaseUrl: string;
  /** Messages between the hub's processes, for channels that deliver through a connection one process holds. */
  fanout: Fanout;
  /** For trouble no request is waiting on (a mailbox that cannot be reached); never pass message content. */
  warn?: (message: string, detail?: Record<string, string | number>) => void;
  /** How a channel looks names up in DNS (email's sender checks); unset: the system's resolver. Tests give their own. */
  resolveDns?: DnsResolver;
  /** Reads opening hours with the hub's calendar (channels keep none); throws with a reason on an unreadable value. */
  openingHours: ReadOpeningHours;
  /** Limits counted once for all the hub's processes (Redis underneath), so they do not multiply with them. */
  rateLimits: RateLimits;
}

/** `dns.promises.resolve`'s shape: answers as it gives them; failures carry its codes (ENOTFOUND, ENODATA, ETIMEOUT, …). */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

/** At most `points` uses per key in each `durationSeconds`; `name` tells one limit from another. */
export interface RateLimits {
  limit(name: string, points: number, durationSeconds: number): RateLimit;
}
export interface RateLimit {
  /** Counts one use for the key: false when the key is over its limit (the use is refused). */
  take(key: string): Promise<boolean>;
}

/** Opening hours as the hub reads them: OpenStreetMap opening_hours syntax, bank holidays known, in a time zone. */
export interface OpeningHours {
  isOpen(at: Date): boolean;
  /** The usual week in plain words: "Monday to Friday, 9am to 5pm; Saturday, 10am to midday". */
  readonly spoken: string;
  /** When it next opens, for the customer ("tomorrow at 9am", "on Monday 28 December at 9am"); null when open. */
  opensInWords(at: Date): string | null;
}
export type ReadOpeningHours = (spec: string, timeZone: string) => OpeningHours;

/** A setting that holds opening hours: the hub reads it at start and refuses the start, naming it, if it cannot. */
export interface OpeningHoursSetting {
  setting: string;
  spec: string;
  timeZone: string;
}

export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/London');

/** Publish/subscribe across the hub's processes (Redis underneath); at most once, so pair it with a resync. */
export interface Fanout {
  publish(topic: string, message: string): Promise<void>;
  subscribe(topic: string, handler: (message: string) => void): () => void;
}

/**
 * What a channel can do, declared once by its module: the hub asks for a capability, never for a channel kind
 * (channels/registry.ts: capabilitiesOf). Every field is declared by every channel, so a new one is a type error
 * until each channel has said. The desk reads them too (a conversation's `channelCapabilities`).
 */
export const ChannelCapabilities = z.object({
  /** The kind of address a customer has on this channel (one phone number serves SMS and voice). */
  address: ContactPointKind,
  /**
   * That address still reaches the customer after the conversation ends, so a service can contact them later:
   * a phone number, an email address. A web-chat visitor id or a Teams user id does not (they may never return).
   */
  reachesLater: z.boolean(),
  /**
   * Free-form replies are allowed only this many hours after the customer's last message (WhatsApp: 24); after
   * that the provider wants an approved template. Unset: no such rule.
   */
  replyWindowHours: z.number().int().positive().optional(),
  /**
   * Contacts are a live call: the bot's replies are spoken in the call while the caller waits (stored as sent,
   * never queued for sending), a caller who wants a person waits on the line rather than for a message, and
   * only an agent who takes calls is offered one (voice).
   */
  speaks: z.boolean(),
  /**
   * The hub can send the customer free text on it as a message (the outbound queue calls the adapter's send).
   * Voice cannot: what is written to a caller goes to their number on the channel that `textsAddress` (SMS).
   */
  canText: z.boolean(),
  /**
   * The channel the hub writes on to this kind of address when the customer has not written on a channel that
   * can take text in this conversation: a caller's number (SMS), an address on the record, a verification code.
   * At most one channel per address kind (SMS for phone, not WhatsApp: it needs the customer to have written).
   */
  textsAddress: z.boolean(),
  /** Typing indicators both ways: the customer's reach the desk (the sink's `typing` port), an agent's the customer (web chat). */
  typing: z.boolean(),
  /** The customer can prove a phone number or email address is theirs with a one-time code (the `verification` port: web chat). */
  verifies: z.boolean(),
  /** The customer's client shows the conversation so far and resyncs from the hub's copy (the `transcript` port: web chat). */
  showsTranscript: z.boolean(),
  /**
   * The customer answers turn by turn while they are there (chat, texts, a call), so the bot can ask a question and
   * wait. False: each message gets one complete answer, with anything else asked for in it (email).
   */
  turnByTurn: z.boolean(),
  /**
   * Carriers act on keywords sent as a whole message (STOP, START, YES on SMS): an opt-out word ends the bot's
   * texts, and the bot never asks for a bare YES.
   */
  carrierKeywords: z.boolean(),
  /**
   * At most this many automatic answers (the bot's) to one address a day, so two machines answering each other,
   * or a forged sender, cannot start a loop (email: 1, RFC 3834). Danger advice always goes. Unset: no limit.
   */
  automaticAnswersPerDay: z.number().int().positive().optional(),
  /**
   * A service answering a hand-off the hub sent it may reply on this channel (email: to the hand-off email), so
   * an inbound contact is first checked for being such a reply before it is taken as a customer's.
   */
  carriesServiceReplies: z.boolean(),
  /**
   * How many conversations on this channel an agent handles at once unless the hub's ROUTING_CAPACITY or the
   * agent's own capacity says otherwise (a call takes the agent's whole attention: 1).
   */
  agentCapacity: z.number().int().min(0).max(50),
  /** Replies carry the thread of the customer's latest message (email: In-Reply-To, References, a subject with the conversation's reference). */
  threadsReplies: z.boolean(),
  /** Sending needs the provider's routing data from the customer's latest message here (OutboundMessage.context: a Bot Framework conversation reference). */
  repliesNeedContext: z.boolean(),
  /**
   * Contacts are made face to face (a walk-in, the reception desk) and written down by the agent who took them:
   * nothing arrives from a provider or is sent on it, and written replies go to an address on the customer's record.
   */
  recordedAtDesk: z.boolean(),
  /**
   * The hub can call the customer's number on this channel and lead the call by keys (the follow-up's questions):
   * the adapter's placeCall places it, and the sink's `followUpCalls` port says what to ask and records the keys (voice).
   */
  callsOut: z.boolean(),
});
export type ChannelCapabilities = Readonly<z.infer<typeof ChannelCapabilities>>;

/** The pictures the desk draws for channels; a channel picks the one that fits it (none: a plain one). */
export type ChannelIcon = 'text' | 'email' | 'chat' | 'phone' | 'whatsapp' | 'bot' | 'person';

/** How people name a channel: on the desk and in reports ("Web chat"), and after "by" in a sentence ("web chat"). */
export interface ChannelNames {
  readonly label: string;
  readonly by: string;
}

/** A channel as the registry lists it: its own config schema and a factory for its adapter. */
export interface ChannelModule<Config = unknown> {
  readonly kind: ChannelKind;
  /** Its name for people; the desk, Slack messages and reports take it from here. */
  readonly names: ChannelNames;
  readonly icon?: ChannelIcon;
  readonly capabilities: ChannelCapabilities;
  /** Whether the environment switches the channel on; when on, the schema must pass. */
  isOn(env: Record<string, string | undefined>): boolean;
  readonly configSchema: z.ZodType<Config>;
  /** Its settings that are opening hours, checked by the hub once the schema passes. */
  openingHoursSettings?(config: Config): readonly OpeningHoursSetting[];
  create(config: Config, context: ChannelContext): ChannelAdapter;
}
