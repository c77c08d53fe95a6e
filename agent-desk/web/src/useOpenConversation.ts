// The conversation open on the desk: its detail, its messages and notes kept live, its call history, whether
// the customer is typing, and (on a narrow screen) which pane shows. Opening one moves focus to the reply box,
// unless the agent has moved on while it loaded.
import { useCallback, useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { useQueryClient } from '@tanstack/react-query';
import { Answers, readView, type Call, type ConversationDetail, type Message, type Note } from './api.ts';
import type { View } from './Header.tsx';
import { queries } from './query.ts';

/** On a narrow screen, the one pane shown. */
export type Pane = 'list' | 'conversation' | 'context';

/** Whether the open conversation is in front of the agent now (the desk's view, in a tab they are looking at). */
const onScreen = (view: View) => view === 'desk' && document.visibilityState === 'visible';

export function useOpenConversation({ view, markRead }: { view: View; markRead: (id: string) => Promise<void> }) {
  const queryClient = useQueryClient();
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  const [closed, setClosed] = useState(false);
  const [messages, setMessages] = useState<Map<string, Message>>(new Map());
  const [notes, setNotes] = useState<Map<string, Note>>(new Map());
  const [history, setHistory] = useState<Map<string, Call>>(new Map());
  const [typing, setTyping] = useState('');
  const [focusReply, setFocusReply] = useState(0);
  const [pane, setPane] = useState<Pane>('list');

  const currentRef = useRef<string | null>(null);
  const replyRef = useRef<HTMLTextAreaElement>(null);
  const viewRef = useRef(view);
  viewRef.current = view;
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(typingTimer.current), []);

  // The reply box is in view already (pinned, or scrolled to with the newest message): focusing it must not scroll.
  useEffect(() => {
    if (focusReply) replyRef.current?.focus({ preventScroll: true });
  }, [focusReply]);

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

  /** The open conversation's part of a message arriving or changing. */
  const onMessage = useCallback(
    (m: Message) => {
      if (m.conversationId !== currentRef.current) return;
      const inbound = m.direction === 'inbound';
      if (inbound) setTyping('');
      setMessages((prev) => new Map(prev).set(m.id, m));
      // On the screen as it arrives: it is read.
      if (inbound && onScreen(viewRef.current)) markRead(m.conversationId).catch(() => {});
    },
    [markRead],
  );

  const onCall = useCallback((call: Call) => {
    if (call.conversationId === currentRef.current) setHistory((prev) => new Map(prev).set(call.id, call));
  }, []);

  const onCustomerTyping = useCallback((conversationId: string) => {
    if (conversationId !== currentRef.current) return;
    setTyping('The customer is typing…');
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => setTyping(''), 5000);
  }, []);

  // Back on the desk with a conversation open: what came in meanwhile is on the screen now.
  useEffect(() => {
    if (view === 'desk' && currentRef.current) markRead(currentRef.current).catch(() => {});
  }, [view, markRead]);

  /** The open conversation was closed here: nothing is open now, and the list pane shows. */
  const closeCurrent = useCallback(() => {
    const id = currentRef.current;
    currentRef.current = null;
    flushSync(() => {
      setDetail(null);
      setClosed(true);
      setMessages(new Map());
      setNotes(new Map());
      setHistory(new Map());
      setPane('list');
    });
    return id;
  }, []);

  const addNote = useCallback((note: Note) => setNotes((prev) => new Map(prev).set(note.id, note)), []);

  return {
    detail,
    closed,
    messages,
    notes,
    history,
    typing,
    pane,
    setPane,
    replyRef,
    currentRef,
    openConversation,
    reloadDetail,
    onMessage,
    onCall,
    onCustomerTyping,
    closeCurrent,
    addNote,
  };
}
