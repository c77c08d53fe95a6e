// The desk's live feed: socket.io namespace /desk. Only signed-in desk and service-team accounts connect (a
// strategy account has the evidence view only); hub events from any process (via the event bus) are turned
// into full message views and pushed to them.
import type { Server } from 'socket.io';
import type { Db } from '../../hub/db/client.ts';
import type { EventBus, HubEvent } from '../../hub/events.ts';
import type { Logger } from '../../hub/logger.ts';
import type { Adapters } from '../../hub/outbound/process.ts';
import { sessionForToken, sessionTokenFromCookieHeader, type SessionPolicy, type SignedInAgent } from './auth.ts';
import { audienceOf, maySee, rooms, roomsFor, viewerOf, type Viewer } from './access.ts';
import { messageInclude, messageView, type MessageView } from './views.ts';
import { callView, type CallView } from './calls.ts';
import type { ChannelKind } from '../../channels/contract.ts';
import { capabilitiesOf } from '../../channels/registry.ts';
import type { Router } from '../../hub/routing/engine.ts';
import { offerView, setPresence, type OfferView } from './routing.ts';
import type { EffectsRunner } from '../../hub/effects.ts';
import { agentRoutingView, supervisorOverview, type AgentRoutingView, type SupervisorOverview } from './agents.ts';
import { fromTheDesk } from './origin.ts';
import { orderedByKey } from './ordered.ts';

export const DESK_NAMESPACE = '/desk';

/** Events the desk's clients receive. */
export interface DeskServerEvents {
  'message.created': (message: MessageView) => void;
  'message.updated': (message: MessageView) => void;
  /** Live updates may have been missed (the hub lost Redis for a moment): reload from the API. */
  'desk.resync': () => void;
  /** A phone call joined the queue, was taken, rang, was answered or ended. */
  'call.updated': (call: CallView) => void;
  /** Who answers it, or the needs found in it, changed: reload it. */
  'conversation.updated': (event: { conversationId: string }) => void;
  /** The customer in this conversation is typing. */
  'customer.typing': (event: { conversationId: string }) => void;
  /** To one agent: a waiting conversation is offered to them, until expiresAt. */
  offer: (offer: OfferView) => void;
  /** To one agent: an offer made to them is over (accepted, declined, ran out, or someone else has it). */
  'offer.ended': (event: { offerId: string; conversationId: string; status: 'accepted' | 'declined' | 'expired' | 'withdrawn' }) => void;
  /** To one agent: their own presence changed (e.g. set away after an offer ran out). */
  'me.updated': (agent: AgentRoutingView) => void;
  /** To supervisors: the overview changed (queues, agents' presence or load). */
  'supervisor.overview': (overview: SupervisorOverview) => void;
}

export interface RealtimeSettings {
  /** An agent whose desk has been closed this long is set offline. */
  presenceGraceMs: number;
  defaultCapacity: Readonly<Partial<Record<ChannelKind, number>>>;
  router: Router;
  /** Applies what the hub's use cases return (hub/effects.ts). */
  effects: EffectsRunner;
}

const agentRoom = rooms.agent;
const SUPERVISORS = rooms.supervisors;
// Supervisors' overview is rebuilt at most this often, however busy routing is.
const OVERVIEW_EVERY_MS = 500;

const TYPING_EVERY_MS = 2000;
// How often each process looks for its desks whose session has ended on its own (idle, expired): a session
// ended by a person (sign out, password change, disabled) disconnects its desks at once (deskSockets).
const SESSION_CHECK_MS = 30_000;

/** Each desk socket is also in its session's room, so ending one session closes just its desks. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

export interface DeskSockets {
  /** Disconnects the desks in these rooms, in every hub process (the adapter carries it across). */
  disconnect(rooms: string[]): Promise<void>;
}

export function deskSockets(io: Server): DeskSockets {
  return {
    async disconnect(to) {
      if (to.length) io.of(DESK_NAMESPACE).in(to).disconnectSockets(true);
    },
  };
}

export function attachDeskRealtime(
  io: Server,
  deps: { db: Db; bus: EventBus; logger: Logger; adapters: Adapters; publicBaseUrl: string; sessions: SessionPolicy } & RealtimeSettings,
): () => void {
  const desk = io.of(DESK_NAMESPACE);
  desk.use(async (socket, next) => {
    // Another page of the same site carries the session cookie too: only the desk's own pages may listen.
    if (!fromTheDesk(socket.handshake.headers, deps.publicBaseUrl)) return next(new Error('not from the desk'));
    // Connecting is not a request the agent made: it does not keep an idle session alive.
    const session = await sessionForToken(deps.db, sessionTokenFromCookieHeader(socket.handshake.headers.cookie), deps.sessions, false).catch(() => null);
    if (!session) return next(new Error('sign in required'));
    const { agent } = session;
    // A strategy account sees counts, never a conversation: the desk's rooms would tell it about each one.
    if (agent.role === 'strategy') return next(new Error('this account has no desk to follow'));
    socket.data.agent = agent;
    socket.data.sessionId = session.id;
    // Read with the session, before the connection completes: the desk is in its rooms before its first event.
    socket.data.viewer = session.viewer;
    next();
  });
  const offlineTimers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  desk.on('connection', (socket) => {
    const me = socket.data.agent as SignedInAgent;
    // Rooms decide what this desk hears: its own offers, and conversations of the teams it may see (access.ts).
    void socket.join([...roomsFor(socket.data.viewer as Viewer), sessionRoom(socket.data.sessionId as string)]);
    clearTimeout(offlineTimers.get(me.id));
    // The last desk of an agent closed: after a grace period (a reload, a blip) they are offline, and
    // their offers go to others. fetchSockets sees every hub process's sockets through the adapter.
    socket.on('disconnect', () => {
      clearTimeout(offlineTimers.get(me.id));
      if (stopped) return;
      const timer = setTimeout(async () => {
        offlineTimers.delete(me.id);
        try {
          if ((await desk.in(agentRoom(me.id)).fetchSockets()).length) return;
          const agent = await deps.db.agent.findUnique({ where: { id: me.id }, select: { presence: true } });
          if (agent && agent.presence !== 'offline') await setPresence(deps, me.id, 'offline');
        } catch (error) {
          deps.logger.warn({ err: (error as Error).message }, 'could not set a disconnected agent offline');
        }
      }, deps.presenceGraceMs);
      timer.unref();
      offlineTimers.set(me.id, timer);
    });
    // An agent typing in a conversation: shown to the customer where the channel can show it.
    let lastTyping = 0;
    socket.on('typing', async (payload: unknown) => {
      const conversationId = typeof payload === 'object' && payload ? (payload as { conversationId?: unknown }).conversationId : undefined;
      if (typeof conversationId !== 'string' || !/^[0-9a-f-]{36}$/.test(conversationId) || Date.now() - lastTyping < TYPING_EVERY_MS) return;
      lastTyping = Date.now();
      try {
        const conversation = await deps.db.conversation.findUnique({
          where: { id: conversationId },
          select: { channel: true, teamId: true, assignedAgentId: true },
        });
        const adapter = conversation && deps.adapters[conversation.channel];
        if (!conversation || !adapter?.showTyping || !maySee(await viewerOf(deps.db, me), conversation)) return;
        const last = await deps.db.message.findFirst({
          where: { conversationId, direction: 'inbound', channel: conversation.channel },
          orderBy: { createdAt: 'desc' },
          select: { fromAddress: true },
        });
        if (last) await adapter.showTyping(last.fromAddress);
      } catch (error) {
        deps.logger.warn({ err: (error as Error).message }, 'could not show typing to the customer');
      }
    });
  });

  // The disconnect timers above live in the process that held the socket; if it stopped, nobody would set its
  // agents offline. So every process also looks, now and then, for agents shown as present who have had no
  // desk open anywhere (fetchSockets asks every process through the adapter) for the grace period.
  const presenceSweep = setInterval(
    async () => {
      try {
        const stale = await deps.db.agent.findMany({
          where: { presence: { not: 'offline' }, presenceAt: { lt: new Date(Date.now() - deps.presenceGraceMs) } },
          select: { id: true },
        });
        if (!stale.length) return;
        const connected = new Set((await desk.fetchSockets()).map((s) => (s.data.agent as SignedInAgent).id));
        for (const agent of stale) if (!connected.has(agent.id)) await setPresence(deps, agent.id, 'offline');
      } catch (error) {
        deps.logger.warn({ err: (error as Error).message }, 'could not check which agents still have a desk open');
      }
    },
    Math.max(deps.presenceGraceMs, 1000),
  );
  presenceSweep.unref();

  // Desks whose session ended by itself (idle or past its lifetime) are closed: what they would go on hearing
  // is what the idle time-out is there to stop.
  const sessionCheck = setInterval(
    async () => {
      try {
        const local = await desk.local.fetchSockets();
        if (!local.length) return;
        const ids = [...new Set(local.map((s) => s.data.sessionId as string))];
        const now = Date.now();
        const live = await deps.db.session.findMany({
          where: { id: { in: ids }, expiresAt: { gt: new Date(now) }, lastSeenAt: { gt: new Date(now - deps.sessions.idleMs) }, agent: { disabledAt: null } },
          select: { id: true },
        });
        const liveIds = new Set(live.map((s) => s.id));
        for (const socket of local) if (!liveIds.has(socket.data.sessionId as string)) socket.disconnect(true);
      } catch (error) {
        deps.logger.warn({ err: (error as Error).message }, 'could not check the desks’ sessions');
      }
    },
    Math.min(SESSION_CHECK_MS, Math.max(1000, deps.sessions.idleMs / 2)),
  );
  sessionCheck.unref();

  // `desk.local`: the bus brings every event to every process, and each one tells the agents connected to it;
  // a cluster-wide emit (through the Redis streams adapter) from each process would reach every agent once per process.
  const stopResync = deps.bus.onReconnect(() => desk.local.to('agents').emit('desk.resync'));
  let overviewTimer: NodeJS.Timeout | undefined;
  const overviewSoon = () => {
    if (overviewTimer) return;
    overviewTimer = setTimeout(async () => {
      overviewTimer = undefined;
      try {
        if (!(await desk.local.in(SUPERVISORS).fetchSockets()).length) return;
        desk.local.to(SUPERVISORS).emit('supervisor.overview', await supervisorOverview(deps.db, deps.defaultCapacity));
      } catch (error) {
        deps.logger.warn({ err: (error as Error).message }, 'could not push the supervisor overview');
      }
    }, OVERVIEW_EVERY_MS);
    overviewTimer.unref();
  };

  // Routing events: each process gets every one from the bus and tells its own sockets.
  const stopRouting = deps.bus.subscribe(async (event) => {
    try {
      if (event.type === 'offer.created') {
        const offer = await offerView(deps.db, event.offerId);
        if (offer) desk.local.to(agentRoom(offer.agentId)).emit('offer', { id: offer.id, expiresAt: offer.expiresAt, conversation: offer.conversation });
      } else if (event.type === 'offer.ended') {
        desk.local.to(agentRoom(event.agentId)).emit('offer.ended', { offerId: event.offerId, conversationId: event.conversationId, status: event.status });
        overviewSoon();
      } else if (event.type === 'agent.updated') {
        // Their teams may have changed: their desks hear what the new teams hear, and no longer the old.
        const view = await agentRoutingView(deps.db, event.agentId, deps.defaultCapacity);
        const joined = roomsFor(await viewerOf(deps.db, { id: view.id, role: view.role }));
        for (const socket of await desk.local.in(agentRoom(event.agentId)).fetchSockets()) {
          const own = [socket.id, sessionRoom(socket.data.sessionId as string)];
          for (const room of socket.rooms) if (!own.includes(room) && !joined.includes(room)) socket.leave(room);
          socket.join(joined);
        }
        desk.local.to(agentRoom(event.agentId)).emit('me.updated', view);
        overviewSoon();
      } else if (event.type === 'queue.changed') {
        // Supervisors only, and throttled: telling hundreds of agents' desks about every change in the
        // queue would have each reload it (the routing bench showed the cost). Agents get their offers.
        overviewSoon();
      }
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message, event: event.type }, 'could not push a routing event to the desk');
    }
  });

  // Events about a conversation go to the desks that may see it (access.ts); calls wait for any agent.
  const audience = async (conversationId: string) => {
    const conversation = await deps.db.conversation.findUnique({ where: { id: conversationId }, select: { teamId: true, assignedAgentId: true } });
    return conversation ? audienceOf(conversation) : [];
  };
  // Each event's handler reads the database before it emits, so two events about one conversation could
  // overtake each other (an agent's second reply shown before the first, or a status before its message):
  // those about one conversation are pushed in the order the hub published them.
  const inOrder = orderedByKey();
  const stopEvents = deps.bus.subscribe((event) => void inOrder('conversationId' in event ? event.conversationId : '', () => pushEvent(event)));
  async function pushEvent(event: HubEvent) {
    try {
      if (event.type === 'customer.typing')
        return void desk.local.to(await audience(event.conversationId)).emit('customer.typing', { conversationId: event.conversationId });
      if (event.type === 'conversation.updated')
        return void desk.local.to(await audience(event.conversationId)).emit('conversation.updated', { conversationId: event.conversationId });
      // A hand-off changed: the desks that see its conversation, its service's team, and supervisors (who act on overdue ones).
      if (event.type === 'handoff.updated') {
        const to = [...(await audience(event.conversationId)), rooms.service(event.serviceId), rooms.supervisors];
        return void desk.local.to(to).emit('handoff.updated', { handoffId: event.handoffId, conversationId: event.conversationId });
      }
      if (event.type === 'call.updated') {
        const call = await callView(deps.db, event.callId);
        if (call) desk.local.to(await audience(call.conversationId)).emit('call.updated', call);
        return;
      }
      if (event.type !== 'message.created' && event.type !== 'message.updated') return;
      // Who may see it is read with it: one query per event, not two.
      const row = await deps.db.message.findUnique({
        where: { id: event.messageId },
        include: { ...messageInclude, conversation: { select: { teamId: true, assignedAgentId: true } } },
      });
      if (!row) return;
      desk.local.to(audienceOf(row.conversation)).emit(event.type, messageView(row));
      // A caller's words can be stored after their call joined the queue (the bot's answer ran late): the calls
      // panel shows what they said, so it is brought up to date with them. Only words said in a call can be that
      // (the check keeps a query off every other inbound message).
      if (event.type === 'message.created' && row.direction === 'inbound' && capabilitiesOf(row.channel).speaks) {
        const active = await deps.db.call.findFirst({ where: { conversationId: row.conversationId, state: { not: 'ended' } }, select: { id: true } });
        const call = active && (await callView(deps.db, active.id));
        if (call) desk.local.to(await audience(call.conversationId)).emit('call.updated', call);
      }
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message, event: event.type }, 'could not push event to the desk');
    }
  }
  return () => {
    stopped = true;
    clearInterval(presenceSweep);
    clearInterval(sessionCheck);
    stopResync();
    stopEvents();
    stopRouting();
    clearTimeout(overviewTimer);
    for (const timer of offlineTimers.values()) clearTimeout(timer);
  };
}
