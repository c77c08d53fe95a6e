// The desk's socket (/desk), once per sign-in: each event goes to the handler given for it now (kept in a ref,
// so the connection never restarts because a handler changed). After a reconnect (ours, or the server's to
// Redis) onResync reads again: missed events are not replayed. The hub closes the socket when the session
// ends (signed out elsewhere, idle too long, account disabled).
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { api, type Call, type Message, type Offer, type Overview, type RoutingMe } from './api.ts';

export interface DeskSocketHandlers {
  onMessage: (message: Message) => void;
  onCall: (call: Call) => void;
  onConversationUpdated: (conversationId: string) => void;
  onCustomerTyping: (conversationId: string) => void;
  /** Connected, again or for the first time, or the hub said to read everything again. */
  onResync: () => void;
  onSessionEnded: () => void;
  /** Routed agents only. */
  onOffer?: (offer: Offer) => void;
  onOfferEnded?: (event: { offerId: string; status: string }) => void;
  onMeUpdated?: (me: RoutingMe) => void;
  /** Supervisors only. */
  onOverview?: (overview: Overview) => void;
}

/** The socket (null until it is made: panels that follow hand-offs subscribe to it themselves). */
export function useDeskSocket(handlers: DeskSocketHandlers): Socket | null {
  const [socket, setSocket] = useState<Socket | null>(null);
  const current = useRef(handlers);
  current.current = handlers;

  useEffect(() => {
    // WebSocket first: several hub processes then need no sticky sessions (long-polling would).
    const socket = io('/desk', { withCredentials: true, transports: ['websocket', 'polling'] });
    setSocket(socket);
    const on = current;
    socket.on('message.created', (m: Message) => on.current.onMessage(m));
    socket.on('message.updated', (m: Message) => on.current.onMessage(m));
    socket.on('call.updated', (call: Call) => on.current.onCall(call));
    socket.on('conversation.updated', ({ conversationId }: { conversationId: string }) => on.current.onConversationUpdated(conversationId));
    socket.on('customer.typing', ({ conversationId }: { conversationId: string }) => on.current.onCustomerTyping(conversationId));
    socket.on('connect', () => on.current.onResync());
    socket.on('desk.resync', () => on.current.onResync());
    socket.on('disconnect', (reason) => {
      if (reason !== 'io server disconnect') return;
      api('/api/auth/me').then(
        () => socket.connect(),
        () => on.current.onSessionEnded(),
      );
    });
    socket.on('offer', (offer: Offer) => on.current.onOffer?.(offer));
    socket.on('offer.ended', (event: { offerId: string; status: string }) => on.current.onOfferEnded?.(event));
    socket.on('me.updated', (me: RoutingMe) => on.current.onMeUpdated?.(me));
    socket.on('supervisor.overview', (overview: Overview) => on.current.onOverview?.(overview));
    return () => {
      socket.close();
      setSocket(null);
    };
  }, []);

  return socket;
}
