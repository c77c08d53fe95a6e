// The agent desk: sign in, see open conversations and waiting calls live, take a call, read one, reply (on the
// channel chosen), record needs, write private notes, answer offers, hand needs on to services, hand on or
// close; supervisors watch the queues and the hand-offs needing attention in their own view. A service-team
// account gets its service's hand-offs instead. Everything the customer wrote is rendered as React text,
// never parsed as HTML.
//
// Layout (Chatwoot's and Front's): three panes that fit a laptop's screen, each scrolling on its own: the list,
// the conversation (its header with Transfer and Close, one timeline, the composer pinned under it) and the
// context (customer, needs, services). On a narrow screen one pane shows at a time. The header holds the views
// (Conversations, Supervisor, Your account), my status, the phone calls waiting and the offers made to me.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createPortal, flushSync } from 'react-dom';
import { io, type Socket } from 'socket.io-client';
import {
  Answers,
  api,
  errorText,
  onShapeError,
  readView,
  type Agent,
  type Call,
  type ConversationDetail,
  type ConversationSummary,
  type Message,
  type Note,
  type Offer,
  type Overview,
  type Presence,
  type RoutingMe,
} from './api.ts';
import { ConversationList, FIRST_PAGE, NEXT_PAGE, type ListFilter } from './ConversationList.tsx';
import { assignedText, ConversationActions, NeedsPanel } from './Panels.tsx';
import { Composer } from './Composer.tsx';
import { Calls, Offers } from './Side.tsx';
import { CallHistory, handoffEvents, Timeline, TimelineScroller } from './Timeline.tsx';
import { CustomerPanel } from './Customer.tsx';
import { ServicesPanel } from './ServicesPanel.tsx';
import { ServiceDesk } from './ServiceDesk.tsx';
import { SupervisorView } from './SupervisorView.tsx';
import { ShortcutSheet } from './Shortcuts.tsx';
import { AccountPage } from './Account.tsx';
import { AdminPage, seesAdmin } from './Admin.tsx';
import { ChannelIcon, Icon } from './Icons.tsx';
import type { Handoff } from './handoffs.ts';
import { CHANNEL_NAMES, contactLabel, PRESENCE_NOTE } from './text.ts';
import { NewContact } from './NewContact.tsx';
import { queries } from './query.ts';

/** Before the hub has said its names. */
const UNNAMED = { name: 'contact-hub', council: null };
/** An empty list that stays the same one, so what is given it does not render again for nothing. */
const NONE: never[] = [];

/** What the main area shows: the three panes, the supervisor's view, the account page, or the admin area. */
export type View = 'desk' | 'supervisor' | 'account' | 'admin';
/** On a narrow screen, the one pane shown. */
type Pane = 'list' | 'conversation' | 'context';

/**
 * A conversation as the hub sent it, keeping when I read it if this desk knows a later time: a list read
 * before my "read" reached the hub must not bring back an unread mark I cleared.
 */
function withLatestRead(fresh: ConversationSummary, known: ConversationSummary | undefined): ConversationSummary {
  return known?.readAt && (!fresh.readAt || known.readAt > fresh.readAt) ? { ...fresh, readAt: known.readAt } : fresh;
}

/** Whether the open conversation is in front of the agent now (the desk's view, in a tab they are looking at). */
const onScreen = (view: View) => view === 'desk' && document.visibilityState === 'visible';

function listQuery(filter: ListFilter): string {
  if (filter === 'closed') return 'status=closed';
  return `status=open${filter === 'mine' ? '&assigned=me' : filter === 'waiting' ? '&waiting=true' : ''}`;
}

/** Whether `c` comes after `last` in the hub's paging order (views.ts: newest first, ties by id). */
function after(c: ConversationSummary, last: ConversationSummary, filter: ListFilter): boolean {
  const [a, b] = filter === 'closed' ? [c.closedAt ?? '', last.closedAt ?? ''] : [c.lastMessageAt, last.lastMessageAt];
  return a < b || (a === b && c.id < last.id);
}

function SignIn({ onSignedIn }: { onSignedIn: (agent: Agent) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    try {
      const { agent } = await api<{ agent: Agent }>('/api/auth/login', { method: 'POST', body: { email, password } });
      onSignedIn(agent);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section id="login" aria-labelledby="login-title">
      <h2 id="login-title">Sign in</h2>
      <form id="login-form" onSubmit={submit}>
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit">Sign in</button>
        <p id="login-error" role="alert">
          {error}
        </p>
      </form>
    </section>
  );
}

export function App() {
  const [agent, setAgent] = useState<Agent | null>(null);
  const [signedOut, setSignedOut] = useState(false);
  const [notice, setNotice] = useState('');
  const [view, setView] = useState<View>('desk');
  // My status and the calls sit in the header; the desk, which owns routing, renders into it.
  const [slot, setSlot] = useState<HTMLDivElement | null>(null);
  const routed = !!agent && agent.role !== 'service';
  const supervises = agent?.role === 'supervisor' || agent?.role === 'admin';

  const queryClient = useQueryClient();
  // The desk's and the council's names (HUB_NAME, COUNCIL_NAME): on every page and in the window's title.
  const site = useQuery(queries.site).data ?? UNNAMED;
  useEffect(() => {
    document.title = [`${site.name} desk`, site.council].filter(Boolean).join(' · ');
  }, [site]);

  // An answer from the hub the desk cannot read (readView): said once, plainly, rather than a list that never fills.
  const [shapeError, setShapeError] = useState('');
  useEffect(() => onShapeError(setShapeError), []);

  useEffect(() => {
    api<{ agent: Agent }>('/api/auth/me').then(
      ({ agent: a }) => setAgent(a),
      () => setSignedOut(true),
    );
  }, []);

  // Signing out here closes this desk's connection too: that is not news to announce as a session ending.
  const leaving = useRef(false);
  // Signed out here, elsewhere (sign out everywhere, a password change, an admin) or by the idle time-out.
  const onSignedOut = useCallback(
    (why: string, ended = false) => {
      if (ended && leaving.current) return;
      // What this agent's desk read is theirs: the next to sign in here starts from nothing (the names stay).
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'site' });
      setAgent(null);
      setView('desk');
      setSignedOut(true);
      setNotice(why);
    },
    [queryClient],
  );
  const signOut = async () => {
    leaving.current = true;
    await api('/api/auth/logout', { method: 'POST' }).catch(() => {});
    onSignedOut('You are signed out.');
  };
  const showDesk = useCallback(() => setView('desk'), []);
  const signedIn = (a: Agent) => {
    leaving.current = false;
    setNotice('');
    setAgent(a);
  };

  // One link a view: the current one is marked (aria-current), and more (an admin area) can join the list.
  const views: { view: View; label: string }[] = agent
    ? [
        { view: 'desk', label: agent.role === 'service' ? 'Hand-offs' : 'Conversations' },
        ...(supervises ? [{ view: 'supervisor' as const, label: 'Supervisor' }] : []),
        ...(seesAdmin(agent) ? [{ view: 'admin' as const, label: 'Admin' }] : []),
        { view: 'account', label: 'Your account' },
      ]
    : [];

  return (
    <>
      <header className="top">
        <h1 className="brand">
          {`${site.name} desk`}
          {site.council ? <span className="council">{site.council}</span> : null}
        </h1>
        {agent ? (
          <nav id="account-nav" aria-label="Desk">
            {views.map((v) => (
              <button key={v.view} type="button" aria-current={view === v.view ? 'page' : undefined} onClick={() => setView(v.view)}>
                {v.label}
              </button>
            ))}
          </nav>
        ) : null}
        <div id="me" ref={setSlot} hidden={!routed || view === 'account' || view === 'admin'} />
        <div className="who">
          <p id="whoami" aria-live="polite">
            {agent ? `Signed in as ${agent.displayName}` : ''}
          </p>
          {agent ? (
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          ) : null}
        </div>
      </header>
      {shapeError ? (
        <p id="desk-error" role="alert">
          {shapeError}
        </p>
      ) : null}
      <main className={agent && agent.role !== 'service' && view === 'desk' ? 'on-desk' : undefined}>
        {/* Only while signed out: the desk's own status regions are the only ones while it is open. */}
        {agent ? null : (
          <p id="signed-out-notice" role="status">
            {notice}
          </p>
        )}
        {!agent && signedOut ? <SignIn onSignedIn={signedIn} /> : null}
        {agent && view === 'account' ? (
          <AccountPage agent={agent} onLeaving={() => void (leaving.current = true)} onSignedOut={() => onSignedOut('You are signed out everywhere.')} />
        ) : null}
        {agent && view === 'admin' ? <AdminPage agent={agent} /> : null}
        {/* The desk stays mounted (its connection and what it has loaded) while another view is open. */}
        {agent ? (
          agent.role === 'service' ? (
            <div className="page" hidden={view !== 'desk'}>
              {/* A service-team account works its service's hand-offs, not conversations. */}
              <ServiceDesk />
            </div>
          ) : (
            <Desk agent={agent} slot={slot} view={view} onShowDesk={showDesk} onSignedOut={onSignedOut} />
          )
        ) : null}
      </main>
    </>
  );
}

interface DeskProps {
  agent: Agent;
  slot: HTMLElement | null;
  view: View;
  /** An offer accepted or a call taken from another view opens its conversation on the desk. */
  onShowDesk: () => void;
  onSignedOut: (why: string, ended: boolean) => void;
}

function Desk({ agent, slot, view, onShowDesk, onSignedOut }: DeskProps) {
  const routed = agent.role !== 'service';
  const supervises = agent.role === 'supervisor' || agent.role === 'admin';

  const [conversations, setConversations] = useState<Map<string, ConversationSummary>>(new Map());
  const [filter, setFilter] = useState<ListFilter>('all');
  const [listLoading, setListLoading] = useState(true);
  /** Where the list's next page begins on the hub (null: all loaded). */
  const [listNext, setListNext] = useState<string | null>(null);
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  const [closed, setClosed] = useState(false);
  const [messages, setMessages] = useState<Map<string, Message>>(new Map());
  const [notes, setNotes] = useState<Map<string, Note>>(new Map());
  const [history, setHistory] = useState<Map<string, Call>>(new Map());
  const [calls, setCalls] = useState<Map<string, Call>>(new Map());
  const [callError, setCallError] = useState('');
  const [typing, setTyping] = useState('');
  const [me, setMe] = useState<RoutingMe | null>(null);
  const [presenceNote, setPresenceNote] = useState('');
  const [offers, setOffers] = useState<Map<string, Offer>>(new Map());
  const [announce, setAnnounce] = useState('');
  const [offerError, setOfferError] = useState('');
  const [focusReply, setFocusReply] = useState(0);
  const [pane, setPane] = useState<Pane>('list');
  const [plan, setPlan] = useState<Handoff[]>([]);
  const [takesCalls, setTakesCalls] = useState(false);
  // Panels that follow hand-offs subscribe to the desk's socket themselves.
  const [socket, setSocket] = useState<Socket | null>(null);

  // Read once, then refreshed when something says they changed (query.ts).
  const queryClient = useQueryClient();
  const taxonomy = useQuery(queries.taxonomy).data ?? NONE;
  const canned = useQuery(queries.canned).data ?? NONE;
  const teams = useQuery({ ...queries.teams, enabled: routed }).data ?? NONE;
  const directory = useQuery({ ...queries.directory, enabled: routed }).data ?? NONE;
  const counts = useQuery(queries.counts).data ?? null;
  const phone = useQuery(queries.voice).data ?? '';
  // Teams open and close by the clock, with no event to say so: read again now and then.
  const overview = useQuery({ ...queries.overview, enabled: supervises, refetchInterval: 60_000 }).data ?? null;

  const currentRef = useRef<string | null>(null);
  const filterRef = useRef<ListFilter>('all');
  const listNextRef = useRef<string | null>(null);
  /** The cursor of the page on its way, if one is: each page is asked for once. */
  const pageAsked = useRef<string | null>(null);
  const meRef = useRef<RoutingMe | null>(null);
  const conversationsRef = useRef(conversations);
  conversationsRef.current = conversations;
  const offersRef = useRef(offers);
  offersRef.current = offers;
  const socketRef = useRef<Socket | null>(null);
  const presenceChanges = useRef(0);
  const presenceRef = useRef<HTMLSelectElement>(null);
  const replyRef = useRef<HTMLTextAreaElement>(null);
  const lastTyping = useRef(0);
  const viewRef = useRef(view);
  viewRef.current = view;
  const countsTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // The reply box is in view already (pinned, or scrolled to with the newest message): focusing it must not scroll.
  useEffect(() => {
    if (focusReply) replyRef.current?.focus({ preventScroll: true });
  }, [focusReply]);

  const loadCounts = useCallback(() => queryClient.invalidateQueries({ queryKey: queries.counts.queryKey }), [queryClient]);
  // Every desk hears every change: the tabs' counts are read again at most once a second, however busy it is.
  const scheduleCounts = useCallback(() => {
    if (countsTimer.current) return;
    countsTimer.current = setTimeout(() => {
      countsTimer.current = undefined;
      loadCounts().catch(() => {});
    }, 1000);
  }, [loadCounts]);
  useEffect(() => () => clearTimeout(countsTimer.current), []);

  /** I have seen what the customer wrote in this conversation until now (the list's unread marker goes). */
  const markRead = useCallback(async (id: string) => {
    const { read } = await api<{ read: { conversationId: string; readAt: string } }>(`/api/conversations/${id}/read`, { method: 'PUT' });
    setConversations((prev) => {
      const c = prev.get(id);
      if (!c || (c.readAt && c.readAt >= read.readAt)) return prev;
      return new Map(prev).set(id, { ...c, readAt: read.readAt });
    });
  }, []);

  const setNext = useCallback((next: string | null) => {
    listNextRef.current = next;
    setListNext(next);
  }, []);

  /**
   * The list's first page again (and every urgent open one: they lead the list however old). Rows of later
   * pages already loaded stay, so an agent far down keeps their place; `fresh` starts again from the first
   * page (after a reconnect, when changes may have been missed).
   */
  const loadConversations = useCallback(
    async (fresh = false) => {
      const asked = filterRef.current;
      const [page, urgent] = await Promise.all([
        readView(`/api/conversations?${listQuery(asked)}&limit=${FIRST_PAGE}`, Answers.page),
        asked === 'closed' ? null : readView(`/api/conversations?${listQuery(asked)}&urgent=true&limit=500`, Answers.page),
      ]);
      if (asked !== filterRef.current) return;
      const last = page.conversations.at(-1);
      const fetched = [...(urgent?.conversations ?? []), ...page.conversations];
      const ids = new Set(fetched.map((c) => c.id));
      // Loaded from later pages (older than this page's last): kept, and where to go on from them too.
      const older = !fresh && page.next && last ? [...conversationsRef.current.values()].filter((c) => !ids.has(c.id) && after(c, last, asked)) : [];
      setConversations((prev) => {
        const next = new Map<string, ConversationSummary>();
        for (const c of fetched) next.set(c.id, withLatestRead(c, prev.get(c.id)));
        for (const c of older) {
          // Unless a live change took it out meanwhile.
          const kept = prev.get(c.id);
          if (kept) next.set(c.id, kept);
        }
        return next;
      });
      if (!older.length) setNext(page.next);
      setListLoading(false);
    },
    [setNext],
  );

  /** The next page of the list, as the agent scrolls towards the end of what is loaded. */
  const loadMore = useCallback(async () => {
    const cursor = listNextRef.current;
    if (!cursor || pageAsked.current === cursor) return;
    pageAsked.current = cursor;
    const asked = filterRef.current;
    try {
      const page = await readView(`/api/conversations?${listQuery(asked)}&limit=${NEXT_PAGE}&cursor=${encodeURIComponent(cursor)}`, Answers.page);
      if (asked !== filterRef.current || listNextRef.current !== cursor) return;
      setConversations((prev) => {
        const next = new Map(prev);
        for (const c of page.conversations) next.set(c.id, withLatestRead(c, prev.get(c.id)));
        return next;
      });
      setNext(page.next);
    } finally {
      pageAsked.current = null;
    }
  }, [setNext]);
  const onMore = useCallback(() => void loadMore().catch(() => {}), [loadMore]);

  // Conversations beyond the loaded ones that match a search join the list.
  const searchConversations = useCallback(async (query: string) => {
    const asked = filterRef.current;
    const { conversations: found } = await readView(`/api/conversations?${listQuery(asked)}&limit=${FIRST_PAGE}&q=${encodeURIComponent(query)}`, Answers.page);
    if (asked !== filterRef.current || !found.length) return;
    setConversations((prev) => {
      const next = new Map(prev);
      for (const c of found) next.set(c.id, withLatestRead(c, prev.get(c.id)));
      return next;
    });
  }, []);

  // Stable, so the list's search waits for typing to pause rather than for every render.
  const onSearch = useCallback((query: string) => void searchConversations(query).catch(() => {}), [searchConversations]);

  // Only the one conversation that changed is fetched again: every desk hears every change, so reloading
  // whole lists on each would multiply the load by the number of agents online.
  const refreshConversation = useCallback(async (id: string) => {
    const asked = filterRef.current;
    const { conversations: list } = await readView(`/api/conversations?${listQuery(asked)}&ids=${id}`, Answers.page);
    if (asked !== filterRef.current) return;
    setConversations((prev) => {
      const next = new Map(prev);
      if (list[0]) next.set(id, withLatestRead(list[0], prev.get(id)));
      else next.delete(id);
      return next;
    });
  }, []);

  // Read again with each conversation opened: an admin may have changed them since.
  const loadCanned = useCallback(() => queryClient.invalidateQueries({ queryKey: queries.canned.queryKey }), [queryClient]);

  /** Reads the open conversation again (needs, who has it, notes, messages) after it changed. */
  const reloadDetail = useCallback(async () => {
    const id = currentRef.current;
    if (!id) return;
    const { conversation } = await readView(`/api/conversations/${id}`, Answers.detail);
    if (id !== currentRef.current) return;
    setDetail(conversation);
    setNotes(new Map(conversation.notes.map((n) => [n.id, n])));
    setMessages((prev) => {
      const next = new Map(prev);
      for (const m of conversation.messages) next.set(m.id, m);
      return next;
    });
  }, []);

  /** Opens a conversation; focus goes to the reply box unless this is a resync the agent did not ask for. */
  const openConversation = useCallback(
    async (id: string, focus = true) => {
      currentRef.current = id;
      // Focus moves to the reply box only if the agent has not moved on (to the search box, say) while it loaded:
      // taking focus from under their typing would send their keys somewhere else.
      const focused = document.activeElement;
      const { conversation } = await readView(`/api/conversations/${id}`, Answers.detail);
      if (id !== currentRef.current) return;
      setClosed(false);
      setDetail(conversation);
      setMessages(new Map(conversation.messages.map((m) => [m.id, m])));
      setNotes(new Map(conversation.notes.map((n) => [n.id, n])));
      setTyping('');
      if (focus) setPane('conversation');
      if (focus && (document.activeElement === focused || document.activeElement === document.body)) setFocusReply((n) => n + 1);
      if (onScreen(viewRef.current)) markRead(id).catch(() => {});
      loadCanned().catch(() => {});
      const { calls: list } = await readView(`/api/conversations/${id}/calls`, Answers.calls);
      if (id !== currentRef.current) return;
      setHistory(new Map(list.map((c) => [c.id, c])));
    },
    [loadCanned, markRead],
  );

  const onMessage = useCallback(
    (m: Message) => {
      const inbound = m.direction === 'inbound';
      if (m.conversationId === currentRef.current) {
        if (inbound) setTyping('');
        setMessages((prev) => new Map(prev).set(m.id, m));
        // On the screen as it arrives: it is read.
        if (inbound && onScreen(viewRef.current)) markRead(m.conversationId).catch(() => {});
      }
      if (!conversationsRef.current.has(m.conversationId)) {
        scheduleCounts();
        return void refreshConversation(m.conversationId).catch(() => {});
      }
      setConversations((prev) => {
        const c = prev.get(m.conversationId);
        if (!c) return prev;
        const next = new Map(prev);
        const newer = !c.lastInbound || m.createdAt >= c.lastInbound.createdAt;
        next.set(c.id, {
          ...c,
          lastMessage: m,
          lastInbound: inbound && newer ? m : c.lastInbound,
          // biome-ignore lint/complexity/useMathMinMax: the times are ISO strings, which Math.max would turn into NaN
          lastMessageAt: m.createdAt > c.lastMessageAt ? m.createdAt : c.lastMessageAt,
        });
        return next;
      });
    },
    [refreshConversation, markRead, scheduleCounts],
  );

  // Back on the desk with a conversation open: what came in meanwhile is on the screen now.
  useEffect(() => {
    if (view === 'desk' && currentRef.current) markRead(currentRef.current).catch(() => {});
  }, [view, markRead]);

  const onCall = useCallback((call: Call) => {
    setCalls((prev) => new Map(prev).set(call.id, call));
    if (call.conversationId === currentRef.current) setHistory((prev) => new Map(prev).set(call.id, call));
  }, []);

  const loadCalls = useCallback(async () => {
    const { calls: list } = await readView('/api/calls', Answers.calls);
    setCalls(new Map(list.map((c) => [c.id, c])));
  }, []);

  const renderMe = useCallback((next: RoutingMe) => {
    const changedByHub = meRef.current?.presence === 'available' && next.presence === 'away';
    meRef.current = next;
    setMe(next);
    setPresenceNote(changedByHub ? 'An offer ran out, so you are set to Away.' : (PRESENCE_NOTE[next.presence] ?? ''));
  }, []);

  const answerOffer = useCallback(
    async (offer: Offer, answer: 'accept' | 'decline') => {
      setOfferError('');
      const drop = () =>
        setOffers((prev) => {
          const next = new Map(prev);
          next.delete(offer.id);
          return next;
        });
      try {
        const { conversationId } = await api<{ conversationId: string }>(`/api/offers/${offer.id}/${answer}`, { method: 'POST' });
        drop();
        if (answer === 'accept') {
          onShowDesk();
          await loadConversations();
          loadCounts().catch(() => {});
          await openConversation(conversationId);
        }
      } catch (e) {
        drop();
        setOfferError(errorText(e));
      }
    },
    [loadConversations, loadCounts, openConversation, onShowDesk],
  );

  // The socket, once per sign-in.
  useEffect(() => {
    // WebSocket first: several hub processes then need no sticky sessions (long-polling would).
    const socket = io('/desk', { withCredentials: true, transports: ['websocket', 'polling'] });
    socketRef.current = socket;
    setSocket(socket);
    socket.on('message.created', onMessage);
    socket.on('message.updated', onMessage);
    socket.on('call.updated', onCall);
    socket.on('conversation.updated', ({ conversationId }: { conversationId: string }) => {
      refreshConversation(conversationId).catch(() => {});
      scheduleCounts();
      if (conversationId === currentRef.current) reloadDetail().catch(() => {});
    });
    let typingTimer: ReturnType<typeof setTimeout> | undefined;
    socket.on('customer.typing', ({ conversationId }: { conversationId: string }) => {
      if (conversationId !== currentRef.current) return;
      setTyping('The customer is typing…');
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => setTyping(''), 5000);
    });
    // After a reconnect (ours, or the server's to Redis), reload: missed events are not replayed.
    const resync = () => {
      loadConversations(true).catch(() => {});
      loadCounts().catch(() => {});
      loadCalls().catch(() => {});
      if (currentRef.current) openConversation(currentRef.current, false).catch(() => {});
    };
    socket.on('connect', resync);
    socket.on('desk.resync', resync);
    // The hub closes the desk when its session ends (signed out elsewhere, idle too long, account disabled).
    socket.on('disconnect', (reason) => {
      if (reason !== 'io server disconnect') return;
      api('/api/auth/me').then(
        () => socket.connect(),
        () => onSignedOut('You were signed out: your session ended (idle for too long, or signed out from elsewhere). Sign in again to go on.', true),
      );
    });

    if (routed) {
      const loadRouting = () => {
        // A status chosen while this was on its way wins over what it read.
        const changes = presenceChanges.current;
        readView('/api/agents/me/routing', Answers.routing)
          .then(({ agent: mine, offers: list, takesCalls: calls }) => {
            if (changes === presenceChanges.current) renderMe(mine);
            setOffers(new Map(list.map((o) => [o.id, o])));
            setTakesCalls(calls);
          })
          .catch(() => {});
      };
      socket.on('connect', loadRouting);
      socket.on('desk.resync', loadRouting);
      socket.on('offer', (offer: Offer) => {
        setOffers((prev) => new Map(prev).set(offer.id, offer));
        setAnnounce(
          offer.conversation.channelCapabilities.speaks
            ? `Incoming ${offer.conversation.urgent ? 'urgent ' : ''}call for you: ${contactLabel(offer.conversation.customer)}. Answer puts it through to your phone.`
            : `New ${offer.conversation.urgent ? 'urgent ' : ''}conversation offered: ${contactLabel(offer.conversation.customer)}, ${CHANNEL_NAMES[offer.conversation.channel] ?? offer.conversation.channel}.`,
        );
      });
      socket.on('offer.ended', ({ offerId, status }: { offerId: string; status: string }) => {
        if (!offersRef.current.has(offerId)) return;
        setOffers((prev) => {
          const next = new Map(prev);
          next.delete(offerId);
          return next;
        });
        if (status === 'expired') setAnnounce('An offer ran out and went to someone else.');
        if (status === 'withdrawn') setAnnounce('An offer was withdrawn: someone else has that conversation.');
      });
      socket.on('me.updated', renderMe);
      if (supervises) {
        socket.on('supervisor.overview', (next: Overview) => queryClient.setQueryData(queries.overview.queryKey, next));
        // Missed while disconnected: read again.
        const loadOverview = () => void queryClient.invalidateQueries({ queryKey: queries.overview.queryKey });
        socket.on('connect', loadOverview);
        socket.on('desk.resync', loadOverview);
      }
    }
    return () => {
      clearTimeout(typingTimer);
      socket.close();
      socketRef.current = null;
      setSocket(null);
    };
  }, [
    routed,
    supervises,
    onMessage,
    onCall,
    refreshConversation,
    reloadDetail,
    loadConversations,
    loadCounts,
    scheduleCounts,
    loadCalls,
    openConversation,
    renderMe,
    onSignedOut,
    queryClient,
  ]);

  // Keys: Alt+A accepts the first offer, Alt+D declines it, Alt+S focuses my status.
  useEffect(() => {
    if (!routed) return;
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const first = offersRef.current.values().next().value;
      const key = event.key.toLowerCase();
      if (key === 'a' && first) void answerOffer(first, 'accept');
      else if (key === 'd' && first) void answerOffer(first, 'decline');
      else if (key === 's') presenceRef.current?.focus();
      else return;
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [routed, answerOffer]);

  const changePresence = async (presence: Presence) => {
    presenceChanges.current += 1;
    setMe((prev) => (prev ? { ...prev, presence } : prev));
    try {
      const { agent: mine } = await api<{ agent: RoutingMe }>('/api/agents/me/presence', { method: 'PUT', body: { presence } });
      renderMe(mine);
      if (mine.presence !== 'available') setOffers(new Map());
    } catch (e) {
      setPresenceNote(errorText(e));
    }
  };

  const chooseFilter = (next: ListFilter) => {
    filterRef.current = next;
    setFilter(next);
    setConversations(new Map());
    setNext(null);
    setListLoading(true);
    loadConversations(true).catch(() => {});
  };

  /** Takes a waiting call and opens its conversation; false if the hub refused (the reason is shown). */
  const takeCall = async (call: Call): Promise<boolean> => {
    setCallError('');
    try {
      const { call: taken } = await api<{ call: Call }>(`/api/calls/${call.id}/take`, { method: 'POST' });
      onCall(taken);
      onShowDesk();
      await openConversation(taken.conversationId);
      return true;
    } catch (e) {
      setCallError(errorText(e));
      return false;
    }
  };

  const onTyping = () => {
    const id = currentRef.current;
    if (!id || Date.now() - lastTyping.current < 3000) return;
    lastTyping.current = Date.now();
    socketRef.current?.emit('typing', { conversationId: id });
  };

  // Stable, so the list's rows (memoised) do not re-render when something else on the desk changes.
  const openFromList = useCallback((id: string) => void openConversation(id).catch(() => {}), [openConversation]);

  const onClosed = async () => {
    const id = currentRef.current;
    currentRef.current = null;
    setConversations((prev) => {
      const next = new Map(prev);
      if (id) next.delete(id);
      return next;
    });
    flushSync(() => {
      setDetail(null);
      setClosed(true);
      setMessages(new Map());
      setNotes(new Map());
      setHistory(new Map());
      setPane('list');
    });
    // The Close button focus was on is gone: focus goes to the heading that says so (on a narrow screen, where
    // only the list shows, to the list's), never to the page itself.
    const heading = document.getElementById('conversation-title');
    heading?.focus({ preventScroll: true });
    if (document.activeElement !== heading) document.getElementById('list-title')?.focus({ preventScroll: true });
    loadCounts().catch(() => {});
    await loadConversations();
  };

  /** A walk-in written down or a first message sent: open the conversation it is in. */
  const onContactCreated = async (id: string) => {
    loadCounts().catch(() => {});
    loadConversations().catch(() => {});
    await openConversation(id).catch(() => {});
  };

  /** Taken or reopened from its header: read again, and the lists' counts with it. */
  const onChanged = async () => {
    await reloadDetail();
    loadCounts().catch(() => {});
    await loadConversations();
  };

  const onTransferred = async () => {
    if (currentRef.current) await openConversation(currentRef.current);
    loadCounts().catch(() => {});
    await loadConversations();
  };

  /** On a narrow screen: show one pane, and put focus at its start (where a screen reader would begin). */
  const showPane = (next: Pane) => {
    flushSync(() => setPane(next));
    document.getElementById(next === 'list' ? 'list-title' : next === 'conversation' ? 'conversation-title' : 'context-title')?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  };

  // The customer's name isolated: direction controls in it cannot reorder the heading around it.
  // The customer's name, isolated so direction controls in it cannot reorder what is around it. The channel is
  // named (in words, not as its code) under it.
  const title = detail ? <bdi>{contactLabel(detail.customer)}</bdi> : closed ? 'Conversation closed. Choose another.' : 'Choose a conversation';

  const events = handoffEvents(plan, detail?.id ?? null);

  return (
    <>
      {routed && slot
        ? createPortal(
            <>
              {takesCalls ? (
                <Calls calls={calls} error={callError} onTake={takeCall} phone={phone} onPhone={(p) => queryClient.setQueryData(queries.voice.queryKey, p)} />
              ) : null}
              <div className="presence">
                <span className={`presence-dot presence-${me?.presence ?? 'offline'}`} aria-hidden="true" />
                <label htmlFor="presence">My status</label>
                <select
                  id="presence"
                  aria-keyshortcuts="Alt+S"
                  aria-describedby="presence-note"
                  disabled={!me}
                  ref={presenceRef}
                  value={me?.presence ?? 'available'}
                  onChange={(e) => void changePresence(e.target.value as Presence)}
                >
                  <option value="available">Available</option>
                  <option value="busy">Busy</option>
                  <option value="away">Away</option>
                  <option value="offline">Offline</option>
                </select>
                <span id="presence-note" aria-live="polite">
                  {presenceNote}
                </span>
              </div>
              {/* Offers show under the header whatever the view, while any is pending. */}
              <Offers offers={offers} announce={announce} error={offerError} onAnswer={(o, a) => void answerOffer(o, a)} />
            </>,
            slot,
          )
        : null}
      <div id="desk" data-pane={pane} hidden={view !== 'desk'}>
        <nav id="list-pane" className="pane" aria-labelledby="list-title">
          <h2 id="list-title" className="pane-title" tabIndex={-1}>
            Conversations
          </h2>
          <NewContact onCreated={(id) => void onContactCreated(id)} />
          <ConversationList
            conversations={conversations}
            counts={counts}
            currentId={detail?.id ?? null}
            meId={me?.id ?? agent.id}
            filter={filter}
            loading={listLoading}
            hasMore={listNext !== null}
            onFilter={chooseFilter}
            onOpen={openFromList}
            onSearch={onSearch}
            onMore={onMore}
          />
          <ShortcutSheet active={view === 'desk'} />
        </nav>
        <section id="conversation" className="pane" aria-labelledby="conversation-title">
          <div className="conversation-head">
            <button type="button" className="narrow-only back" onClick={() => showPane('list')}>
              <Icon name="back" />
              Back to conversations
            </button>
            <div className="head-text">
              <h2 id="conversation-title" tabIndex={-1}>
                {title}
              </h2>
              {detail ? (
                <p className="head-meta">
                  {detail.urgent ? <span className="tag tag-urgent">URGENT</span> : null}
                  <ChannelIcon channel={detail.channel} />
                  <span>{CHANNEL_NAMES[detail.channel] ?? detail.channel}</span>
                  <span aria-hidden="true">·</span>
                  <span id="assigned-to" aria-live="polite">
                    {assignedText(detail, me?.id ?? agent.id)}
                  </span>
                </p>
              ) : null}
            </div>
            <div className="head-actions">
              <ConversationActions
                conversation={detail}
                meId={me?.id ?? agent.id}
                teams={teams}
                agents={directory}
                handedOff={plan.some((h) => h.conversationId === detail?.id)}
                onTransferred={onTransferred}
                onClosed={onClosed}
                onChanged={onChanged}
              />
              {detail ? (
                <button type="button" className="narrow-only" onClick={() => showPane('context')}>
                  Details
                </button>
              ) : null}
            </div>
          </div>
          {detail ? (
            <TimelineScroller conversationId={detail.id} size={messages.size + notes.size + events.length + history.size}>
              <Timeline messages={messages} notes={notes} events={events} meId={me?.id ?? agent.id} />
              <CallHistory history={history} />
            </TimelineScroller>
          ) : (
            <div className="empty-state">
              <p>{closed ? 'Choose another conversation from the list.' : 'Choose a conversation from the list to read it and reply.'}</p>
            </div>
          )}
          <p id="typing" aria-live="polite">
            {typing}
          </p>
          {/* A closed conversation is read, not answered: its header offers Reopen instead. */}
          <Composer
            key={detail?.id ?? 'none'}
            conversation={detail?.status === 'open' ? detail : null}
            agent={agent}
            canned={canned}
            replyRef={replyRef}
            onSent={onMessage}
            onNote={(note) => setNotes((prev) => new Map(prev).set(note.id, note))}
            onTyping={onTyping}
          />
        </section>
        <aside id="context" className="pane" aria-labelledby="context-title">
          <div className="context-head">
            <button type="button" className="narrow-only back" onClick={() => showPane('conversation')}>
              <Icon name="back" />
              Back to the conversation
            </button>
            <h2 id="context-title" className="pane-title" tabIndex={-1}>
              Details
            </h2>
          </div>
          {detail ? null : <p className="empty-state">The customer, their needs and the services they were passed to show here.</p>}
          <CustomerPanel
            customerId={detail?.customer.id ?? null}
            conversationId={detail?.id ?? null}
            needLabel={(code) => taxonomy.find((n) => n.code === code)?.label ?? code}
            socket={socket}
          />
          <NeedsPanel conversation={detail} taxonomy={taxonomy} onChanged={reloadDetail} />
          <ServicesPanel conversation={detail} socket={socket} onPlan={setPlan} />
        </aside>
      </div>
      {supervises ? (
        <SupervisorView
          overview={overview}
          calls={calls}
          socket={socket}
          hidden={view !== 'supervisor'}
          onOpen={(id) => {
            onShowDesk();
            openConversation(id).catch(() => {});
          }}
        />
      ) : null}
    </>
  );
}
