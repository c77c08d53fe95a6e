// The desk for an agent, a supervisor or an admin: the list, the open conversation and its context, with my
// status, the calls and the offers in the header; a supervisor's view beside it. State lives in the hooks:
// useConversationList (the list and the tabs' counts), useOpenConversation (the one open), useRouting
// (presence, offers), useDeskSocket (the live events); what is simply read is in query.ts.
//
// Layout (Chatwoot's and Front's): three panes that fit a laptop's screen, each scrolling on its own: the list,
// the conversation (its header with Transfer and Close, one timeline, the composer pinned under it) and the
// context (customer, needs, services). On a narrow screen one pane shows at a time. The header holds the views
// (Conversations, Supervisor, Your account), my status, the phone calls waiting and the offers made to me.
import { useCallback, useEffect, useRef, useState } from 'react';
import { createPortal, flushSync } from 'react-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Answers, api, errorText, readView, type Agent, type Call, type Message, type Overview, type Presence } from './api.ts';
import { ConversationList } from './ConversationList.tsx';
import { assignedText, ConversationActions, NeedsPanel } from './Panels.tsx';
import { Composer } from './Composer.tsx';
import { Calls, Offers } from './Side.tsx';
import { CallHistory, handoffEvents, Timeline, TimelineScroller } from './Timeline.tsx';
import { CustomerPanel } from './Customer.tsx';
import { ServicesPanel } from './ServicesPanel.tsx';
import { SupervisorView } from './SupervisorView.tsx';
import { ShortcutSheet } from './Shortcuts.tsx';
import { ChannelIcon, Icon } from './Icons.tsx';
import type { Handoff } from './handoffs.ts';
import { CHANNEL_NAMES, contactLabel } from './text.ts';
import { NewContact } from './NewContact.tsx';
import { queries } from './query.ts';
import type { View } from './Header.tsx';
import { useConversationList } from './useConversationList.ts';
import { useOpenConversation, type Pane } from './useOpenConversation.ts';
import { useRouting } from './useRouting.ts';
import { useDeskSocket } from './useDeskSocket.ts';

/** An empty list that stays the same one, so what is given it does not render again for nothing. */
const NONE: never[] = [];

/** The phone calls waiting or in progress, kept live (call.updated). */
function useCalls() {
  const [calls, setCalls] = useState<Map<string, Call>>(new Map());
  const [callError, setCallError] = useState('');
  const onCall = useCallback((call: Call) => setCalls((prev) => new Map(prev).set(call.id, call)), []);
  const loadCalls = useCallback(async () => {
    const { calls: list } = await readView('/api/calls', Answers.calls);
    setCalls(new Map(list.map((c) => [c.id, c])));
  }, []);
  return { calls, callError, setCallError, onCall, loadCalls };
}

interface DeskProps {
  agent: Agent;
  slot: HTMLElement | null;
  view: View;
  /** An offer accepted or a call taken from another view opens its conversation on the desk. */
  onShowDesk: () => void;
  onSignedOut: (why: string, ended: boolean) => void;
}

export function DeskView({ agent, slot, view, onShowDesk, onSignedOut }: DeskProps) {
  const routed = agent.role !== 'service';
  const supervises = agent.role === 'supervisor' || agent.role === 'admin';

  // Read once, then refreshed when something says they changed (query.ts).
  const queryClient = useQueryClient();
  const taxonomy = useQuery(queries.taxonomy).data ?? NONE;
  const canned = useQuery(queries.canned).data ?? NONE;
  const teams = useQuery({ ...queries.teams, enabled: routed }).data ?? NONE;
  const directory = useQuery({ ...queries.directory, enabled: routed }).data ?? NONE;
  const phone = useQuery(queries.voice).data ?? '';
  // Teams open and close by the clock, with no event to say so: read again now and then.
  const overview = useQuery({ ...queries.overview, enabled: supervises, refetchInterval: 60_000 }).data ?? null;

  const list = useConversationList();
  const { conversations, counts, filter, loading, hasMore, loadConversations, loadCounts, scheduleCounts, markRead, refreshConversation } = list;
  const open = useOpenConversation({ view, markRead });
  const { detail, closed, messages, notes, history, typing, pane, setPane, replyRef, currentRef, openConversation, reloadDetail } = open;
  const { calls, callError, setCallError, onCall, loadCalls } = useCalls();
  const [plan, setPlan] = useState<Handoff[]>([]);
  const lastTyping = useRef(0);

  const routing = useRouting({
    enabled: routed,
    onAccepted: async (conversationId) => {
      onShowDesk();
      await loadConversations();
      loadCounts().catch(() => {});
      await openConversation(conversationId);
    },
  });
  const { me, offers } = routing;

  const onMessage = (m: Message) => {
    open.onMessage(m);
    list.onMessage(m);
  };

  const socket = useDeskSocket({
    onMessage,
    onCall: (call) => {
      onCall(call);
      open.onCall(call);
    },
    onConversationUpdated: (conversationId) => {
      refreshConversation(conversationId).catch(() => {});
      scheduleCounts();
      if (conversationId === currentRef.current) reloadDetail().catch(() => {});
    },
    onCustomerTyping: open.onCustomerTyping,
    onResync: () => {
      loadConversations(true).catch(() => {});
      loadCounts().catch(() => {});
      loadCalls().catch(() => {});
      if (currentRef.current) openConversation(currentRef.current, false).catch(() => {});
      if (routed) routing.loadRouting();
      if (supervises) queryClient.invalidateQueries({ queryKey: queries.overview.queryKey }).catch(() => {});
    },
    onSessionEnded: () =>
      onSignedOut('You were signed out: your session ended (idle for too long, or signed out from elsewhere). Sign in again to go on.', true),
    ...(routed ? { onOffer: routing.onOffer, onOfferEnded: routing.onOfferEnded, onMeUpdated: routing.onMeUpdated } : {}),
    ...(supervises ? { onOverview: (next: Overview) => queryClient.setQueryData(queries.overview.queryKey, next) } : {}),
  });

  /** Takes a waiting call and opens its conversation; false if the hub refused (the reason is shown). */
  const takeCall = async (call: Call): Promise<boolean> => {
    setCallError('');
    try {
      const { call: taken } = await api<{ call: Call }>(`/api/calls/${call.id}/take`, { method: 'POST' });
      onCall(taken);
      open.onCall(taken);
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
    socket?.emit('typing', { conversationId: id });
  };

  // Stable, so the list's rows (memoised) do not re-render when something else on the desk changes.
  const openFromList = useCallback((id: string) => void openConversation(id).catch(() => {}), [openConversation]);

  const onClosed = async () => {
    const id = currentRef.current;
    if (id) list.remove(id);
    open.closeCurrent();
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

  // Another conversation: its details start at the top (the customer's name), not where the last one was scrolled.
  const contextRef = useRef<HTMLElement>(null);
  const shownId = detail?.id ?? null;
  useEffect(() => {
    if (contextRef.current) contextRef.current.scrollTop = 0;
  }, [shownId]);

  return (
    <>
      {routed && slot
        ? createPortal(
            <>
              {routing.takesCalls ? (
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
                  ref={routing.presenceRef}
                  value={me?.presence ?? 'available'}
                  onChange={(e) => void routing.changePresence(e.target.value as Presence)}
                >
                  <option value="available">Available</option>
                  <option value="busy">Busy</option>
                  <option value="away">Away</option>
                  <option value="offline">Offline</option>
                </select>
                <span id="presence-note" aria-live="polite">
                  {routing.presenceNote}
                </span>
              </div>
              {/* Offers show under the header whatever the view, while any is pending. */}
              <Offers offers={offers} announce={routing.announce} error={routing.offerError} onAnswer={(o, a) => void routing.answerOffer(o, a)} />
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
            loading={loading}
            hasMore={hasMore}
            onFilter={list.chooseFilter}
            onOpen={openFromList}
            onSearch={list.onSearch}
            onMore={list.onMore}
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
            onNote={open.addNote}
            onTyping={onTyping}
          />
        </section>
        <aside id="context" ref={contextRef} className="pane" aria-labelledby="context-title">
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
