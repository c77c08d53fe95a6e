// The desk's list of conversations: paged from the hub as the agent scrolls (ConversationList virtualises it),
// kept live one row at a time from the socket's events, filtered by tab, searched beyond what is loaded; and
// the tabs' counts. Every desk hears every change, so only what changed is read again.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Answers, api, readView, type ConversationSummary, type Message } from './api.ts';
import { FIRST_PAGE, NEXT_PAGE, type ListFilter } from './ConversationList.tsx';
import { queries } from './query.ts';

/**
 * A conversation as the hub sent it, keeping when I read it if this desk knows a later time: a list read
 * before my "read" reached the hub must not bring back an unread mark I cleared.
 */
function withLatestRead(fresh: ConversationSummary, known: ConversationSummary | undefined): ConversationSummary {
  return known?.readAt && (!fresh.readAt || known.readAt > fresh.readAt) ? { ...fresh, readAt: known.readAt } : fresh;
}

function listQuery(filter: ListFilter): string {
  if (filter === 'closed') return 'status=closed';
  return `status=open${filter === 'mine' ? '&assigned=me' : filter === 'waiting' ? '&waiting=true' : ''}`;
}

/** Whether `c` comes after `last` in the hub's paging order (views.ts: newest first, ties by id). */
function after(c: ConversationSummary, last: ConversationSummary, filter: ListFilter): boolean {
  const [a, b] = filter === 'closed' ? [c.closedAt ?? '', last.closedAt ?? ''] : [c.lastMessageAt, last.lastMessageAt];
  return a < b || (a === b && c.id < last.id);
}

export function useConversationList() {
  const queryClient = useQueryClient();
  const [conversations, setConversations] = useState<Map<string, ConversationSummary>>(new Map());
  const [filter, setFilter] = useState<ListFilter>('all');
  const [loading, setLoading] = useState(true);
  /** Where the list's next page begins on the hub (null: all loaded). */
  const [listNext, setListNext] = useState<string | null>(null);
  const counts = useQuery(queries.counts).data ?? null;

  const filterRef = useRef<ListFilter>('all');
  const listNextRef = useRef<string | null>(null);
  /** The cursor of the page on its way, if one is: each page is asked for once. */
  const pageAsked = useRef<string | null>(null);
  const conversationsRef = useRef(conversations);
  conversationsRef.current = conversations;
  const countsTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

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
      setLoading(false);
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
  /** The list part of a message arriving or changing: the row's last message moves, or the row is read in. */
  const onMessage = useCallback(
    (m: Message) => {
      const inbound = m.direction === 'inbound';
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
    [refreshConversation, scheduleCounts],
  );

  const chooseFilter = useCallback(
    (next: ListFilter) => {
      filterRef.current = next;
      setFilter(next);
      setConversations(new Map());
      setNext(null);
      setLoading(true);
      loadConversations(true).catch(() => {});
    },
    [setNext, loadConversations],
  );

  /** A conversation closed here leaves the list at once (the list read again after says the same). */
  const remove = useCallback((id: string) => {
    setConversations((prev) => {
      const next = new Map(prev);
      next.delete(id);
      return next;
    });
  }, []);

  return {
    conversations,
    counts,
    filter,
    loading,
    hasMore: listNext !== null,
    loadConversations,
    loadCounts,
    scheduleCounts,
    markRead,
    refreshConversation,
    onMessage,
    onMore,
    onSearch,
    chooseFilter,
    remove,
  };
}
