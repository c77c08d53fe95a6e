// The desk's live feed: socket.io namespace /desk. Only signed-in agents connect; hub events from any
// process (via the event bus) are turned into full message views and pushed to them.
import type { Server } from 'socket.io';
import type { Db } from '../../hub/db/client.ts';
import type { EventBus } from '../../hub/events.ts';
import type { Logger } from '../../hub/logger.ts';
import type { Adapters } from '../../hub/outbound/process.ts';
import { agentForToken, sessionTokenFromCookieHeader } from './auth.ts';
import { messageView, type MessageView } from './views.ts';
import { callView, type CallView } from './calls.ts';

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
}

const TYPING_EVERY_MS = 2000;

export function attachDeskRealtime(io: Server, deps: { db: Db; bus: EventBus; logger: Logger; adapters: Adapters }): () => void {
  const desk = io.of(DESK_NAMESPACE);
  desk.use(async (socket, next) => {
    const agent = await agentForToken(deps.db, sessionTokenFromCookieHeader(socket.handshake.headers.cookie)).catch(() => null);
    if (!agent) return next(new Error('sign in required'));
    socket.data.agent = agent;
    next();
  });
  desk.on('connection', (socket) => {
    void socket.join('agents');
    // An agent typing in a conversation: shown to the customer where the channel can show it.
    let lastTyping = 0;
    socket.on('typing', async (payload: unknown) => {
      const conversationId = typeof payload === 'object' && payload ? (payload as { conversationId?: unknown }).conversationId : undefined;
      if (typeof conversationId !== 'string' || !/^[0-9a-f-]{36}$/.test(conversationId) || Date.now() - lastTyping < TYPING_EVERY_MS) return;
      lastTyping = Date.now();
      try {
        const conversation = await deps.db.conversation.findUnique({ where: { id: conversationId }, select: { channel: true } });
        const adapter = conversation && deps.adapters[conversation.channel];
        if (!conversation || !adapter?.showTyping) return;
        const last = await deps.db.message.findFirst({ where: { conversationId, direction: 'inbound', channel: conversation.channel }, orderBy: { createdAt: 'desc' }, select: { fromAddress: true } });
        if (last) await adapter.showTyping(last.fromAddress);
      } catch (error) {
        deps.logger.warn({ err: (error as Error).message }, 'could not show typing to the customer');
      }
    });
  });

  const stopResync = deps.bus.onReconnect(() => desk.to('agents').emit('desk.resync'));
  const stopEvents = deps.bus.subscribe(async (event) => {
    if (event.type === 'customer.typing') return void desk.to('agents').emit('customer.typing', { conversationId: event.conversationId });
    if (event.type === 'conversation.updated') return void desk.to('agents').emit('conversation.updated', { conversationId: event.conversationId });
    try {
      if (event.type === 'call.updated') {
        const call = await callView(deps.db, event.callId);
        if (call) desk.to('agents').emit('call.updated', call);
        return;
      }
      if (event.type !== 'message.created' && event.type !== 'message.updated') return;
      const row = await deps.db.message.findUnique({ where: { id: event.messageId } });
      if (row) desk.to('agents').emit(event.type, messageView(row));
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message, event: event.type }, 'could not push event to the desk');
    }
  });
  return () => {
    stopResync();
    stopEvents();
  };
}
