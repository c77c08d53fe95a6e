// All configuration, read once at start and validated; a bad value stops the process with its name.
import path from 'node:path';
import proxyAddr from 'proxy-addr';
import { z } from 'zod';
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import type { ChannelKind } from '../channels/contract.ts';
import { CHANNEL_KINDS, RegisteredChannel, capabilitiesOf, channelModules } from '../channels/registry.ts';
import { DEFAULT_TAXONOMY_PATH } from './needs/taxonomy.ts';
import { checkOpeningHours } from './hours.ts';
import type { VerificationLimits } from './identity/verify.ts';

const hubSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** What the desk calls itself, and the council it serves (shown on every page of the desk, sign-in included). */
  HUB_NAME: z.string().trim().min(1).max(60).default('contact-hub'),
  COUNCIL_NAME: z.string().trim().min(1).max(100).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL (leave it unset for the embedded database)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Key prefix for every queue: lets several hubs (or test files) share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+$/i, 'letters, digits, - and _ only')
    .default('contact-hub'),
  /** Which parts this process runs: the HTTP server, the queue workers, or both. */
  HUB_ROLES: z
    .string()
    .default('web,worker')
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(['web', 'worker'])).min(1)),
  /**
   * The proxies in front of the hub whose X-Forwarded-For is believed (proxy-addr names, addresses or CIDR
   * ranges, comma-separated: e.g. loopback, or 10.0.0.0/8). Empty: none, and the connecting address is the
   * client's. Trusting more than the real proxies lets a client choose its own address by sending the header.
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .refine((list) => {
      try {
        proxyAddr.compile(list);
        return true;
      } catch {
        return false;
      }
    }, 'must be proxy addresses, CIDR ranges or the names loopback, linklocal, uniquelocal, comma-separated'),
  /** Country assumed for phone numbers typed without +country code (agents' searches). */
  DEFAULT_COUNTRY: z
    .string()
    .default('GB')
    .transform((v) => v.toUpperCase())
    .refine((v) => isSupportedCountry(v), 'must be an ISO 3166 two-letter country code, e.g. GB'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_EMAIL: z
    .email()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  ADMIN_PASSWORD: z
    .string()
    .min(12, 'must be at least 12 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** The longest a desk session lasts, however busy. */
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /** A session with no request for this long has ended; fractions allowed (0.05 = 3 s). */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .min(1 / 60, 'must be at least 0.0167 (one second)')
    .max(7 * 24 * 60)
    .default(30),
  /** Sign-in lock-out: wrong passwords in a row for one account from one address before that pair is locked. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  /** Wrong passwords for one account from all addresses together (guessing spread over many) before each further one makes it wait. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(20),
  /** The longest wait between tries for an account being guessed from many addresses (1 s, doubling, up to this). */
  LOGIN_ACCOUNT_DELAY_MAX_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** How long a locked account-and-address pair stays locked; fractions allowed (0.5 = 30 s), at least one second. */
  LOGIN_LOCK_MINUTES: z.coerce
    .number()
    .min(1 / 60, 'must be at least 0.0167 (one second)')
    .max(1440, 'must be at most 1440 (a day)')
    .default(15),
  /** Wrong passwords from one client address in a day, whatever the accounts, before it is locked for a day. */
  LOGIN_MAX_FAILURES_PER_IP_PER_DAY: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /** How long a worker holds a job before another may take it over (a crashed worker's jobs come back after this). */
  WORKER_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  /** Jobs each worker runs at once: they mostly wait on the database, so more than the core count. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** PostgreSQL connections per process. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  /** How often unprocessed inbox rows and unsent outbox rows are re-queued, and how old they must be. */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
  SWEEP_AFTER_MS: z.coerce.number().int().min(0).default(60_000),
  /**
   * The inbound journal (DATA_DIR/inbound-journal): contacts the database could not take, kept on disk and
   * answered 2xx, then moved into the inbox when it is back. Past this size the hub answers 503 instead.
   */
  INBOUND_JOURNAL_MAX_MB: z.coerce.number().int().min(1).max(100_000).default(512),
  INBOUND_JOURNAL_REPLAY_MS: z.coerce.number().int().min(50).default(1_000),
  /**
   * Verification codes the public can make the hub send (web chat linking a number or email): per number or
   * address, per client network address, for the whole hub, and the countries whose mobiles may get one.
   */
  VERIFY_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).default(3),
  VERIFY_PER_ADDRESS_PER_DAY: z.coerce.number().int().min(1).default(5),
  VERIFY_PER_CLIENT_PER_HOUR: z.coerce.number().int().min(1).default(5),
  VERIFY_PER_DAY: z.coerce.number().int().min(1).default(200),
  VERIFY_COUNTRIES: z
    .string()
    .default('GB')
    .transform((v) =>
      v
        .split(',')
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().refine((c) => isSupportedCountry(c), 'must be ISO 3166 two-letter country codes, e.g. GB')).min(1)),
  OUTBOUND_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  OUTBOUND_BACKOFF_MS: z.coerce.number().int().min(10).default(2_000),
  /** The needs taxonomy (required data); unset: the project's copy, hub/data/needs-taxonomy.json. */
  NEEDS_TAXONOMY_PATH: z
    .string()
    .min(1)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Channels on which new conversations start with the needs-conversation bot; empty: people answer everything. */
  BOT_CHANNELS: z
    .string()
    // Every channel whose contacts arrive by themselves (one recorded at the desk already has an agent; the plan
    // page's words are written to a person).
    .default(CHANNEL_KINDS.filter((kind) => !capabilitiesOf(kind).recordedAtDesk && kind !== 'plan_page').join(','))
    .transform((v) =>
      v
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .pipe(z.array(RegisteredChannel)),
  /** How long an agent has to accept an offered conversation before it moves on. */
  ROUTING_OFFER_SECONDS: z.coerce.number().positive().max(600).default(30),
  /** Conversations an agent takes at once per channel, unless their own settings say otherwise; each channel declares its default. */
  ROUTING_CAPACITY: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const out: Partial<Record<ChannelKind, number>> = {};
      for (const part of v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const [channel, count] = part.split(':');
        const parsed = RegisteredChannel.safeParse(channel);
        if (!parsed.success || !/^\d+$/.test(count ?? '')) {
          ctx.addIssue({ code: 'custom', message: `"${part}" should be channel:count, e.g. webchat:3, with a channel of ${CHANNEL_KINDS.join(', ')}` });
          return z.NEVER;
        }
        out[parsed.data] = Number(count);
      }
      return out;
    }),
  /** How often each process routes anyway (offers that ran out, anything missed). */
  ROUTING_SWEEP_MS: z.coerce.number().int().min(100).default(5_000),
  /** An agent whose desk has been closed this long is set offline (a reload or a blip is not). */
  PRESENCE_GRACE_SECONDS: z.coerce.number().min(0).default(60),
  /** A service directory (Open Referral UK / HSDS JSON) imported at start; unset: the embedded database gets the demo directory. */
  DIRECTORY_PATH: z
    .string()
    .min(1)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** true: a directory file with any refused row is not imported at all (and the hub does not start); default: the rest is imported and the refused rows are logged. */
  DIRECTORY_ALL_OR_NOTHING: z
    .enum(['true', 'false', ''], 'must be true or false')
    .default('false')
    .transform((v) => v === 'true'),
  /** Hand-off deliveries: tries, and the first wait between them (doubling): by default about eleven hours in all. */
  HANDOFF_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(12),
  HANDOFF_BACKOFF_MS: z.coerce.number().int().min(10).default(10_000),
  HANDOFF_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Slack hand-offs: the app's bot token and signing secret (both, or neither: then Slack is off). */
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xox[bp]-/, 'must be a Slack bot token (xoxb-…)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  SLACK_SIGNING_SECRET: z
    .string()
    .min(16, "must be the app's signing secret")
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** How long a link to the customer's own plan works, in days, from when it was sent. */
  PLAN_LINK_DAYS: z.coerce.number().int().min(1).max(365).default(28),
  /** The quality-of-life follow-up (hub/usecases/follow-up.ts): asked when a plan closes, and each interval of a long one. */
  FOLLOW_UP_ENABLED: z
    .enum(['true', 'false', ''], 'must be true or false')
    .default('true')
    .transform((v) => v !== 'false'),
  /** Hours after a plan's last hand-off closed before the customer is asked how things are. */
  FOLLOW_UP_AFTER_HOURS: z.coerce.number().min(0).max(720).default(24),
  /** A plan still open is asked about every this many days, and none is asked twice within it. */
  FOLLOW_UP_INTERVAL_DAYS: z.coerce.number().int().min(1).max(365).default(28),
  /** Answers are taken for this many days after the question. */
  FOLLOW_UP_ANSWER_DAYS: z.coerce.number().int().min(1).max(60).default(7),
  /** When questions may be sent (council time, opening-hours syntax); empty: at any time. */
  FOLLOW_UP_HOURS: z.string().default('Mo-Sa 10:00-19:00; PH off'),
  /** How often due follow-ups are looked for. */
  FOLLOW_UP_SWEEP_MS: z.coerce.number().int().min(100).default(60_000),
  /** Slack's Web API; tests point it at a fake on 127.0.0.1. */
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).default('https://slack.com/api/'),
});

export type Env = Record<string, string | undefined>;

export interface HubConfig {
  port: number;
  host: string;
  publicBaseUrl: string;
  /** The names the desk shows: its own and the council's. */
  site: { name: string; council: string | null };
  database: { kind: 'postgres'; url: string; poolSize: number } | { kind: 'pglite'; dataDir: string };
  redisUrl: string;
  queuePrefix: string;
  roles: { web: boolean; worker: boolean };
  logLevel: z.infer<typeof hubSchema>['LOG_LEVEL'];
  defaultCountry: CountryCode;
  admin: { email: string; password: string } | null;
  sessionTtlMs: number;
  sessionIdleMs: number;
  /** Sign-in lock-out ceilings (agent-desk/server/lockout.ts). */
  loginLockout: { maxFailures: number; maxFailuresPerAccount: number; accountDelayMaxSeconds: number; lockSeconds: number; maxFailuresPerIpPerDay: number };
  cookieSecure: boolean;
  workerLockMs: number;
  workerConcurrency: number;
  sweep: { intervalMs: number; afterMs: number };
  journal: { dir: string; maxBytes: number; replayMs: number };
  /** Proxies whose X-Forwarded-For is believed (none by default). */
  trustProxy: string[];
  verificationLimits: VerificationLimits;
  outbound: { attempts: number; backoffMs: number };
  /** Where the needs taxonomy is read from at start. */
  needsTaxonomyPath: string;
  /** Channels whose new conversations the needs bot answers first. */
  botChannels: readonly ChannelKind[];
  /** Each enabled channel's validated config; a channel absent here is off. */
  channels: { [K in ChannelKind]?: unknown };
  routing: { offerTimeoutMs: number; defaultCapacity: Readonly<Partial<Record<ChannelKind, number>>>; sweepMs: number; presenceGraceMs: number };
  handoff: { attempts: number; backoffMs: number; webhookTimeoutMs: number; directoryPath: string | null; directoryAllOrNothing: boolean };
  /** Links to the customer's own plan work this many days (PLAN_LINK_DAYS). */
  planLinkDays: number;
  /** The quality-of-life follow-up; null when switched off. */
  followUp: { afterHours: number; intervalDays: number; answerDays: number; hours: string | null; sweepMs: number } | null;
  /** Slack hand-offs; null when not configured. */
  slack: { botToken: string; signingSecret: string; apiUrl: string } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function describe(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

export function loadConfig(env: Env): HubConfig {
  const problems: string[] = [];
  const parsed = hubSchema.safeParse(env);
  if (!parsed.success) problems.push(...describe(parsed.error));

  const channels: HubConfig['channels'] = {};
  for (const [kind, module] of Object.entries(channelModules) as [ChannelKind, NonNullable<(typeof channelModules)[ChannelKind]>][]) {
    if (!module.isOn(env)) continue;
    const result = module.configSchema.safeParse(env);
    if (result.success) {
      channels[kind] = result.data;
      for (const hours of module.openingHoursSettings?.(result.data) ?? []) {
        const problem = checkOpeningHours(hours.spec);
        if (problem) problems.push(`${hours.setting}: ${problem}`);
      }
    } else problems.push(...describe(result.error).map((p) => `${p} (needed because the ${kind} channel is switched on)`));
  }

  const hub = parsed.data;
  if (hub?.ADMIN_EMAIL && !hub.ADMIN_PASSWORD) problems.push('ADMIN_PASSWORD: is required when ADMIN_EMAIL is set');
  if (hub && hub.LOGIN_MAX_FAILURES_PER_ACCOUNT < hub.LOGIN_MAX_FAILURES) problems.push('LOGIN_MAX_FAILURES_PER_ACCOUNT: must be at least LOGIN_MAX_FAILURES');
  if (hub && !!hub.SLACK_BOT_TOKEN !== !!hub.SLACK_SIGNING_SECRET)
    problems.push('SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET: set both for Slack hand-offs, or neither');
  if (hub?.FOLLOW_UP_HOURS.trim()) {
    const problem = checkOpeningHours(hub.FOLLOW_UP_HOURS);
    if (problem) problems.push(`FOLLOW_UP_HOURS: ${problem}`);
  }
  if (problems.length > 0 || !hub) throw new ConfigError(problems);

  const publicBaseUrl = (hub.PUBLIC_BASE_URL ?? `http://localhost:${hub.PORT}`).replace(/\/+$/, '');
  return {
    port: hub.PORT,
    host: hub.HOST,
    publicBaseUrl,
    site: { name: hub.HUB_NAME, council: hub.COUNCIL_NAME ?? null },
    database: hub.DATABASE_URL
      ? { kind: 'postgres', url: hub.DATABASE_URL, poolSize: hub.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: path.resolve(hub.DATA_DIR, 'pglite') },
    redisUrl: hub.REDIS_URL,
    queuePrefix: hub.QUEUE_PREFIX,
    roles: { web: hub.HUB_ROLES.includes('web'), worker: hub.HUB_ROLES.includes('worker') },
    logLevel: hub.LOG_LEVEL,
    defaultCountry: hub.DEFAULT_COUNTRY as CountryCode,
    admin: hub.ADMIN_EMAIL && hub.ADMIN_PASSWORD ? { email: hub.ADMIN_EMAIL.toLowerCase(), password: hub.ADMIN_PASSWORD } : null,
    sessionTtlMs: hub.SESSION_TTL_HOURS * 3_600_000,
    sessionIdleMs: Math.round(hub.SESSION_IDLE_MINUTES * 60_000),
    loginLockout: {
      maxFailures: hub.LOGIN_MAX_FAILURES,
      maxFailuresPerAccount: hub.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      accountDelayMaxSeconds: hub.LOGIN_ACCOUNT_DELAY_MAX_SECONDS,
      lockSeconds: Math.max(1, Math.round(hub.LOGIN_LOCK_MINUTES * 60)),
      maxFailuresPerIpPerDay: hub.LOGIN_MAX_FAILURES_PER_IP_PER_DAY,
    },
    cookieSecure: publicBaseUrl.startsWith('https://'),
    workerLockMs: hub.WORKER_LOCK_MS,
    workerConcurrency: hub.WORKER_CONCURRENCY,
    sweep: { intervalMs: hub.SWEEP_INTERVAL_MS, afterMs: hub.SWEEP_AFTER_MS },
    trustProxy: hub.TRUST_PROXY,
    verificationLimits: {
      perAddressPerHour: hub.VERIFY_PER_ADDRESS_PER_HOUR,
      perAddressPerDay: hub.VERIFY_PER_ADDRESS_PER_DAY,
      perClientPerHour: hub.VERIFY_PER_CLIENT_PER_HOUR,
      perDay: hub.VERIFY_PER_DAY,
      countries: hub.VERIFY_COUNTRIES as CountryCode[],
    },
    journal: {
      dir: path.resolve(hub.DATA_DIR, 'inbound-journal'),
      maxBytes: hub.INBOUND_JOURNAL_MAX_MB * 1024 * 1024,
      replayMs: hub.INBOUND_JOURNAL_REPLAY_MS,
    },
    outbound: { attempts: hub.OUTBOUND_ATTEMPTS, backoffMs: hub.OUTBOUND_BACKOFF_MS },
    needsTaxonomyPath: hub.NEEDS_TAXONOMY_PATH ? path.resolve(hub.NEEDS_TAXONOMY_PATH) : DEFAULT_TAXONOMY_PATH,
    botChannels: hub.BOT_CHANNELS,
    channels,
    routing: {
      offerTimeoutMs: hub.ROUTING_OFFER_SECONDS * 1000,
      defaultCapacity: { ...Object.fromEntries(CHANNEL_KINDS.map((kind) => [kind, capabilitiesOf(kind).agentCapacity])), ...hub.ROUTING_CAPACITY },
      sweepMs: hub.ROUTING_SWEEP_MS,
      presenceGraceMs: hub.PRESENCE_GRACE_SECONDS * 1000,
    },
    handoff: {
      attempts: hub.HANDOFF_ATTEMPTS,
      backoffMs: hub.HANDOFF_BACKOFF_MS,
      webhookTimeoutMs: hub.HANDOFF_WEBHOOK_TIMEOUT_MS,
      directoryPath: hub.DIRECTORY_PATH ? path.resolve(hub.DIRECTORY_PATH) : null,
      directoryAllOrNothing: hub.DIRECTORY_ALL_OR_NOTHING,
    },
    planLinkDays: hub.PLAN_LINK_DAYS,
    followUp: hub.FOLLOW_UP_ENABLED
      ? {
          afterHours: hub.FOLLOW_UP_AFTER_HOURS,
          intervalDays: hub.FOLLOW_UP_INTERVAL_DAYS,
          answerDays: hub.FOLLOW_UP_ANSWER_DAYS,
          hours: hub.FOLLOW_UP_HOURS.trim() || null,
          sweepMs: hub.FOLLOW_UP_SWEEP_MS,
        }
      : null,
    slack:
      hub.SLACK_BOT_TOKEN && hub.SLACK_SIGNING_SECRET
        ? { botToken: hub.SLACK_BOT_TOKEN, signingSecret: hub.SLACK_SIGNING_SECRET, apiUrl: hub.SLACK_API_URL }
        : null,
  };
}

/** What is safe to print at start: no secrets, passwords or tokens. */
export function describeConfig(config: HubConfig): Record<string, unknown> {
  return {
    listen: `${config.host}:${config.port}`,
    publicBaseUrl: config.publicBaseUrl,
    database: config.database.kind === 'postgres' ? `postgres ${new URL(config.database.url).host}` : `embedded PGlite in ${config.database.dataDir}`,
    redis: new URL(config.redisUrl).host,
    roles: Object.entries(config.roles)
      .filter(([, on]) => on)
      .map(([r]) => r),
    channels: Object.keys(config.channels),
    bot: config.botChannels.length ? config.botChannels : 'off',
    slackHandoffs: config.slack ? 'on' : 'off',
    followUps: config.followUp
      ? `${config.followUp.afterHours} h after a plan closes, every ${config.followUp.intervalDays} days, ${config.followUp.hours ?? 'at any time'}`
      : 'off',
  };
}
