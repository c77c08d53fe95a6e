// The composition root, wiring only: database, Redis, queues, event bus, channels, workers, HTTP + socket.io.
// Each piece is built in its own module (channels/, hub/, agent-desk/); this file just connects them in order.
// It lives outside all three because it is the one place allowed to import them all (DESIGN.md, "Dependency
// direction"); tests/unit/architecture.test.ts holds every other folder to its direction.
import { createHash } from 'node:crypto';
import { createEffectsRunner } from '../hub/effects.ts';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import proxyAddr from 'proxy-addr';
import path from 'node:path';
import express from 'express';
import cookieParser from 'cookie-parser';
import { securityHeaders } from './security-headers.ts';
import { Server as SocketServer } from 'socket.io';
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import type { ChannelAdapter, ChannelKind, DnsResolver, Fanout, RateLimits } from '../channels/contract.ts';
import { createFanout } from '../hub/fanout.ts';
import { capabilitiesOf, channelModules } from '../channels/registry.ts';
import { apiRouter } from '../agent-desk/server/api.ts';
import { ensureFirstAdmin } from '../agent-desk/server/auth.ts';
import { createLoginLockout } from '../agent-desk/server/lockout.ts';
import { signInLockRecorder } from '../agent-desk/server/sign-in-locks.ts';
import { openApiDocument } from '../agent-desk/server/openapi.ts';
import { attachDeskRealtime, deskSockets } from '../agent-desk/server/realtime.ts';
import { buildDeskBundle, deskBundleHandler } from '../agent-desk/server/web-bundle.ts';
import { describeConfig, type HubConfig } from '../hub/config.ts';
import { openDatabase, type Database } from '../hub/db/client.ts';
import { createEventBus, type EventBus } from '../hub/events.ts';
import { healthHandler } from '../hub/health.ts';
import { InboundJournal } from '../hub/ingest/journal.ts';
import { startJournalReplay } from '../hub/ingest/replay.ts';
import { createInboundSink } from '../hub/ingest/sink.ts';
import type { Logger } from '../hub/logger.ts';
import type { Adapters } from '../hub/outbound/process.ts';
import { createQueues, type Queues } from '../hub/queues.ts';
import { connectRedis, handledReplies, type Redis } from '../hub/redis.ts';
import { startSweeper } from '../hub/sweeper.ts';
import { startFollowUps } from '../hub/followup/schedule.ts';
import { placeFollowUpCall } from '../hub/usecases/follow-up.ts';
import { startWorkers, type Workers } from '../hub/workers.ts';
import { loadNeedsData, type NeedsData } from '../hub/needs/data.ts';
import { buildDetector, type NeedsDetector } from '../hub/needs/detector.ts';
import { fileModelStore } from '../hub/needs/model-store.ts';
import { createNeedsBot } from '../hub/bot/bot.ts';
import { buildKnowledge } from '../hub/bot/knowledge.ts';
import { createRouter, type Router } from '../hub/routing/engine.ts';
import type * as SlackTarget from '../hub/handoff/targets/slack/app.ts';
import type { HandoffWording } from '../hub/handoff/create.ts';
import type { HandoffWords } from '../hub/handoff/view.ts';
import { loadDirectoryAtStart, logDirectoryLoad } from '../hub/handoff/directory.ts';
import { handoffCallbackRouter } from '../hub/handoff/callback.ts';
import { parseOpeningHours } from '../hub/hours.ts';
import { createRateLimits } from '../hub/rate-limits.ts';
import { planPageRouter } from '../agent-desk/server/plan-page.ts';

export interface RunningHub {
  /** Where the HTTP server listens (http://host:port), when this process serves HTTP. */
  url: string | null;
  /** The Express app behind it: tests read the routes it mounts. */
  app: express.Express | null;
  database: Database;
  redis: Redis;
  queues: Queues;
  bus: EventBus;
  adapters: Adapters;
  router: Router;
  stop(): Promise<void>;
}

/** What a caller may give the hub instead of its defaults: tests answer DNS themselves (there is no internet here). */
export interface HubDeps {
  /** How channels look names up (email's sender checks); unset: the system's resolver. */
  resolveDns?: DnsResolver;
}

function createAdapters(config: HubConfig, fanout: Fanout, rateLimits: RateLimits, logger: Logger, deps: HubDeps): Adapters {
  const adapters: Record<ChannelKind, ChannelAdapter> = {};
  for (const [kind, channelConfig] of Object.entries(config.channels) as [ChannelKind, unknown][]) {
    const module = channelModules[kind];
    const warn = (message: string, detail: Record<string, string | number> = {}) => logger.warn({ channel: kind, ...detail }, message);
    // Each channel's limits are its own: their names are kept apart by the channel's kind.
    const limits: RateLimits = { limit: (name, points, seconds) => rateLimits.limit(`${kind}:${name}`, points, seconds) };
    if (module)
      adapters[kind] = module.create(channelConfig, {
        publicBaseUrl: config.publicBaseUrl,
        fanout,
        warn,
        openingHours: parseOpeningHours,
        rateLimits: limits,
        resolveDns: deps.resolveDns,
      });
  }
  return adapters;
}

/**
 * One detector per needs data in a process. It is pure once built, and building it reads and indexes every
 * labelled message (about a second), so a process that starts several hubs (the tests) builds it once.
 */
const detectors = new Map<string, NeedsDetector>();
function needsDetector(data: NeedsData): { detector: NeedsDetector; reused: boolean } {
  const key = createHash('sha256').update(JSON.stringify(data)).digest('hex');
  const known = detectors.get(key);
  if (known) return { detector: known, reused: true };
  const detector = buildDetector(data, { store: fileModelStore() });
  detectors.set(key, detector);
  return { detector, reused: false };
}

export async function startHub(config: HubConfig, logger: Logger, deps: HubDeps = {}): Promise<RunningHub> {
  logger.info(describeConfig(config), 'starting contact-hub');
  // Built before anything connects: a missing or bad taxonomy stops the start, naming the file.
  const needsData = loadNeedsData({ taxonomyPath: config.needsTaxonomyPath });
  const { detector: needs, reused } = needsDetector(needsData);
  if (reused) logger.info('reused the needs detection model built by an earlier hub in this process');
  else logger.info({ ms: Math.round(needs.buildMs), trained: needs.trained, corpus: needs.corpus }, 'built the needs detection model');
  let lastRedisError = 0;
  const onRedisError = (error: Error) => {
    // Reconnect attempts fail many times a second during an outage: say so at most every 10 s.
    if (Date.now() - lastRedisError < 10_000) return;
    lastRedisError = Date.now();
    logger.warn({ err: error.message }, 'Redis connection error; reconnecting');
  };
  const redis = await connectRedis(config.redisUrl, onRedisError);
  const database = await openDatabase(config.database);
  if (database.fromTemplate) logger.info('made the embedded database from its template (migrations already applied)');
  if (database.applied.length) logger.info({ migrations: database.applied }, 'applied database migrations');
  const db = database.prisma;
  const directory = await loadDirectoryAtStart(db, {
    path: config.handoff.directoryPath,
    embedded: database.kind === 'pglite',
    needCodes: new Set(needsData.taxonomy.needs.map((n) => n.code)),
    allOrNothing: config.handoff.directoryAllOrNothing,
  }).catch(async (error) => {
    await database.close();
    redis.disconnect();
    throw error;
  });
  if (directory) logDirectoryLoad(directory, logger);
  const queues = createQueues(redis, { prefix: config.queuePrefix, outbound: config.outbound, handoff: config.handoff, onError: onRedisError });
  const bus = await createEventBus(redis, config.queuePrefix, () => logger.warn('ignored a malformed hub event'));
  const fanout = await createFanout(redis, config.queuePrefix);
  const rateLimits = createRateLimits({ redis, prefix: config.queuePrefix, logger });
  const adapters = createAdapters(config, fanout, rateLimits, logger, deps);
  const enabledChannels = Object.keys(adapters) as ChannelKind[];
  const knowledge = buildKnowledge({ detect: (text) => needs.detect(text), taxonomy: needsData.taxonomy.needs });
  const bot = config.botChannels.length ? createNeedsBot(knowledge) : null;
  // How the customer is told where their needs went ("about somewhere to live"), on channels the hub can send on.
  const wording: HandoffWording = { say: knowledge.say, enabledChannels, safetyNetAnyTime: knowledge.safety.safetyNetAnyTime };
  // How services read needs and facts: the taxonomy's labels, the bot's names for facts.
  const words: HandoffWords = { need: knowledge.label, fact: knowledge.factLabel };
  // Slack's SDK is a few hundred modules: loaded only when a workspace is configured (a shorter start).
  const slackTarget: typeof SlackTarget | null = config.slack ? await import('../hub/handoff/targets/slack/app.ts') : null;
  const slack = config.slack && slackTarget ? slackTarget.slackClient(config.slack) : null;
  // Links to the customer's own plan: where they point, how long they work, and the council's name in them.
  const council = config.site.council ?? 'the council';
  const planLinks = { publicBaseUrl: config.publicBaseUrl, days: config.planLinkDays, council, enabledChannels };

  const stops: (() => Promise<void> | void)[] = [];
  // Every process routes when something changes in it; runs are one at a time across processes.
  const router = createRouter({ db, bus, logger, settings: config.routing });
  stops.push(() => router.close());
  // The one runner of what use cases return once they have committed.
  const effects = createEffectsRunner({
    queues,
    bus,
    logger,
    requestRouting: () => router.request(),
    placeFollowUpCall: (followUpId) => placeFollowUpCall(db, adapters, followUpId),
  });
  // Channels on which a customer who called can be called back (the follow-up's questions, by keys).
  const callChannels = enabledChannels.filter((kind) => capabilitiesOf(kind).callsOut && adapters[kind]?.placeCall);
  let workers: Workers | undefined;
  if (config.roles.worker) {
    const targets = { slack, email: adapters.email, webhookTimeoutMs: config.handoff.webhookTimeoutMs, publicBaseUrl: config.publicBaseUrl, words };
    workers = startWorkers({
      db,
      redis,
      logger,
      adapters,
      queues,
      effects,
      bot,
      botChannels: config.botChannels,
      enabledChannels,
      prefix: config.queuePrefix,
      lockMs: config.workerLockMs,
      concurrency: config.workerConcurrency,
      handoff: { targets, wording, isUrgent: (text) => needs.detect(text).urgent },
      planLinks,
    });
    stops.push(startSweeper(db, queues, logger, { ...config.sweep, sessionIdleMs: config.sessionIdleMs }));
    if (config.followUp) {
      const { sweepMs, hours, ...timing } = config.followUp;
      const settings = { ...timing, council, publicBaseUrl: config.publicBaseUrl, planLinkDays: config.planLinkDays, enabledChannels, callChannels };
      stops.push(startFollowUps({ db, effects, logger }, { ...settings, hours: hours ? parseOpeningHours(hours, 'Europe/London') : null }, sweepMs));
    }
  }

  let url: string | null = null;
  let app: express.Express | null = null;
  let http: HttpServer | undefined;
  let io: SocketServer | undefined;
  let socketRedis: Redis | undefined;
  if (config.roles.web) {
    const admin = await ensureFirstAdmin(db, config.admin);
    if (admin === 'created') logger.info('created the first admin account from ADMIN_EMAIL');
    if (admin === 'none-configured') logger.warn('no agent accounts exist: set ADMIN_EMAIL and ADMIN_PASSWORD and restart to create the first admin');

    app = express();
    app.disable('x-powered-by');
    // Behind a proxy the client address comes from X-Forwarded-For; Twilio signatures use PUBLIC_BASE_URL.
    app.set('trust proxy', config.trustProxy.length ? proxyAddr.compile(config.trustProxy) : false);
    app.use(securityHeaders(config.publicBaseUrl));
    app.use(cookieParser());
    // Slack's requests are checked against the raw body, so its route comes before any body parser.
    if (config.slack && slackTarget) app.use(slackTarget.createSlackApp(config.slack, { db, effects, logger, wording, words }).router);
    const journal = new InboundJournal(config.journal.dir, config.journal.maxBytes);
    stops.push(startJournalReplay({ journal, db, queues, logger, pingDb: database.ping, intervalMs: config.journal.replayMs }));
    app.get('/health', healthHandler({ pingDb: database.ping, redis, journalPending: () => journal.pending() }));
    // Built once: generating it takes a while, and it does not change while the hub runs.
    const apiDocument = openApiDocument('0.1.0');
    app.get('/api/openapi.json', (_req, res) => void res.json(apiDocument));
    http = createServer(app);
    // socket.io's own Redis connection (the adapter duplicates it for its stream reader and pub/sub). Like the
    // hub's, its commands wait through a Redis blip instead of failing, so nothing it sends is lost or crashes.
    // The adapter does not wait for every command it sends (see handledReplies): a stop while this connection is
    // still connecting must not end the process.
    socketRedis = handledReplies(redis.duplicate({ lazyConnect: false }), ['publish', 'spublish', 'set']);
    socketRedis.on('error', onRedisError);
    const streams = `${config.queuePrefix}:socket.io`;
    io = new SocketServer(http, {
      serveClient: true,
      // Chat and desk events are small: a larger frame is refused before it is parsed.
      maxHttpBufferSize: 64 * 1024,
      // Broadcasts go through a Redis stream shared by every hub process of this deployment, so a room reaches
      // sockets in any process, and a client that reconnects to another process gets what it missed (the stream
      // also carries the sessions, and resumes after a blip where plain pub/sub would drop messages).
      adapter: createStreamsAdapter(socketRedis, { streamName: streams, channelPrefix: streams, sessionKeyPrefix: `${streams}:session:` }),
      // Best effort for two minutes; the widget still resyncs from the transcript sent on every connection.
      // Middlewares run again on a recovered connection: a signed-out agent or a refused origin stays out.
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    });
    // Phone webhooks wait for the bot's answer only on channels the bot answers.
    const sinkDeps = {
      db,
      queues,
      bus,
      logger,
      adapters,
      defaultCountry: config.defaultCountry,
      botChannels: config.botChannels,
      router,
      journal,
      verificationLimits: config.verificationLimits,
      followUpCalls: { settings: { council, enabledChannels }, effects },
    };
    const channelRoutes = express.Router();
    // socket.io does not go through Express, so its connections get the same proxy rule here.
    const trusted = proxyAddr.compile(config.trustProxy);
    const clientAddress = (request: IncomingMessage) => proxyAddr(request, trusted);
    // Each adapter gets the sink's core and the ports its channel's capabilities ask for.
    for (const adapter of Object.values(adapters)) await adapter.mount({ router: channelRoutes, io, clientAddress }, createInboundSink(sinkDeps, adapter.kind));
    app.use(channelRoutes);
    // The customer's own plan, opened from the link sent to them (no account: the link is the key).
    app.use(planPageRouter({ db, effects, publicBaseUrl: config.publicBaseUrl, council, needLabel: words.need, rateLimits, enabledChannels }));
    // A service's own system accepting, answering or closing a hand-off it got by webhook (signed, like ours to it).
    app.use(handoffCallbackRouter({ db, effects, logger, wording }));
    const findAgentId = async (email: string) => (await db.agent.findUnique({ where: { email }, select: { id: true } }))?.id ?? null;
    const loginLockout = createLoginLockout({ redis, prefix: config.queuePrefix, logger, findAgentId, record: signInLockRecorder(db), ...config.loginLockout });
    const sessions = { ttlMs: config.sessionTtlMs, idleMs: config.sessionIdleMs };
    app.use(
      apiRouter({
        db,
        site: config.site,
        publicBaseUrl: config.publicBaseUrl,
        queues,
        bus,
        logger,
        enabledChannels,
        adapters,
        defaultCountry: config.defaultCountry,
        sessions,
        desk: deskSockets(io),
        cookieSecure: config.cookieSecure,
        loginLockout,
        needs,
        taxonomy: needsData.taxonomy.needs,
        router,
        effects,
        defaultCapacity: config.routing.defaultCapacity,
        handoffWording: wording,
        handoffWords: words,
        planLinks,
      }),
    );
    // The desk: its React bundle built once here, in memory (a build error stops the start), then its static files.
    app.use(
      '/desk',
      deskBundleHandler(await buildDeskBundle()),
      express.static(path.resolve(import.meta.dirname, '../agent-desk/web'), { index: 'index.html' }),
    );
    app.get('/', (_req, res) => res.redirect('/desk/'));
    app.use((_req: express.Request, res: express.Response) => void res.status(404).json({ error: 'not found' }));
    app.use((error: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      // body-parser's own errors (too large, malformed) carry a 4xx status: say what was wrong in our words, never
      // by echoing the parser's message (it quotes the body back).
      if (error.status && error.status >= 400 && error.status < 500) {
        const said =
          error.type === 'entity.too.large'
            ? 'request body is too large'
            : error.type === 'entity.parse.failed'
              ? 'the request body is not valid JSON'
              : error.type
                ? 'the request could not be read'
                : error.message;
        return void res.status(error.status).json({ error: said });
      }
      logger.error({ err: error.message }, 'request failed');
      res.status(500).json({ error: 'internal error' });
    });

    stops.push(
      attachDeskRealtime(io, {
        db,
        bus,
        logger,
        adapters,
        publicBaseUrl: config.publicBaseUrl,
        sessions,
        router,
        effects,
        presenceGraceMs: config.routing.presenceGraceMs,
        defaultCapacity: config.routing.defaultCapacity,
      }),
    );
    await new Promise<void>((resolve, reject) => {
      http!.once('error', reject);
      http!.listen(config.port, config.host, () => resolve());
    });
    const address = http.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
    logger.info(
      {
        url,
        desk: `${url}/desk/`,
        channels: enabledChannels.length ? enabledChannels : 'none (set TWILIO_* for SMS; web chat is off by WEBCHAT_ENABLED=false)',
      },
      'contact-hub is listening',
    );
  }

  return {
    url,
    app,
    database,
    redis,
    queues,
    bus,
    adapters,
    router,
    async stop() {
      for (const stop of stops) await stop();
      if (io) await new Promise<void>((resolve) => io!.close(() => resolve()));
      else if (http) await new Promise<void>((resolve) => http!.close(() => resolve()));
      // After the sessions of the sockets just closed are written, so their clients recover on another process.
      if (socketRedis?.status === 'ready') await socketRedis.quit().catch(() => undefined);
      socketRedis?.disconnect();
      for (const adapter of Object.values(adapters)) await adapter.close?.();
      await workers?.close();
      await queues.close();
      await bus.close();
      fanout.close();
      await database.close();
      redis.disconnect();
    },
  };
}
