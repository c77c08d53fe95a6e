// The conversations, smooth with tens of thousands: the hub sends them a page at a time (FIRST_PAGE, then
// NEXT_PAGE more each time the agent scrolls near the end of what is loaded), and only the rows in view (and a
// few either side) are in the page at once (TanStack Virtual). Tabs (Mine, Waiting, All open, Closed) say how
// many each open one holds; open conversations come urgent first, then the newest; closed ones the most
// recently closed first. The search box narrows what was loaded and asks the hub for older ones that match.
// Each row is one button: the channel (an icon with its name as text alternative), who, the customer's own
// last words (not the bot's answer), how long ago, and whether the customer wrote since this agent last opened
// it. The list is one tab stop: arrows (or j and k), Home and End move between rows; Enter opens one.
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import type { ConversationCounts, ConversationSummary } from './api.ts';
import { ChannelIcon } from './Icons.tsx';
import { useNow } from './Side.tsx';
import { contactLabel, exactTime, isUnread, relativeTime, searchText, senderLabel, whoHasIt } from './text.ts';

export type ListFilter = 'mine' | 'waiting' | 'all' | 'closed';
/** The first page is small, so the list shows at once; the pages after it are bigger, so scrolling far asks less often. */
export const FIRST_PAGE = 100;
export const NEXT_PAGE = 300;
/** More is asked for when the rows in view come this close to the end of those loaded. */
const LOAD_AHEAD = 60;
/** A row's height before it is measured (most are this tall: a name and a line of words). */
const ROW_ESTIMATE = 60;

export const FILTERS: { value: ListFilter; label: string }[] = [
  { value: 'mine', label: 'Mine' },
  { value: 'waiting', label: 'Waiting' },
  { value: 'all', label: 'All open' },
  { value: 'closed', label: 'Closed' },
];

interface Props {
  conversations: Map<string, ConversationSummary>;
  counts: ConversationCounts | null;
  currentId: string | null;
  meId: string | null;
  filter: ListFilter;
  /** True until the chosen filter's conversations have arrived. */
  loading: boolean;
  /** The hub has more than those loaded (older ones, a page at a time). */
  hasMore: boolean;
  onFilter: (filter: ListFilter) => void;
  onOpen: (id: string) => void;
  /** Asks the hub too: a conversation older than the loaded ones is found by its customer's name or number. */
  onSearch: (query: string) => void;
  /** Asks the hub for the next page; does nothing while one is on its way. */
  onMore: () => void;
}

/** What the row quotes: the customer's own last words; if they have written nothing, the last message and who sent it. */
function lastWords(c: ConversationSummary, meId: string | null): string {
  if (c.lastInbound) return c.lastInbound.body || 'Sent a file';
  if (c.lastMessage) return `${senderLabel(c.lastMessage, meId)}: ${c.lastMessage.body}`;
  return '';
}

/** Newest first, ties by id: the order the hub pages in (views.ts), so a page joins the list where it belongs. */
const newer = (a: string, b: string, idA: string, idB: string) => (a === b ? (idA < idB ? 1 : idA > idB ? -1 : 0) : a < b ? 1 : -1);

function listOrder(filter: ListFilter) {
  if (filter === 'closed') return (a: ConversationSummary, b: ConversationSummary) => newer(a.closedAt ?? '', b.closedAt ?? '', a.id, b.id);
  // Urgent first, then the newest.
  return (a: ConversationSummary, b: ConversationSummary) => Number(b.urgent) - Number(a.urgent) || newer(a.lastMessageAt, b.lastMessageAt, a.id, b.id);
}

interface RowProps {
  c: ConversationSummary;
  index: number;
  /** How many the list holds (-1: not known yet, more are on the hub), for "row 5 of 10,000". */
  setSize: number;
  /** Where the row sits, in pixels from the list's top. */
  start: number;
  current: boolean;
  unread: boolean;
  /** The list's one tab stop. */
  tabStop: boolean;
  meId: string | null;
  /** The minute now: rows say how long ago, and render again only when it changes. */
  minute: number;
  measure: (node: HTMLLIElement | null) => void;
  onOpen: (id: string) => void;
}

// `minute` is not read: as a prop it makes the memoised row render again (and say how long ago) each minute.
const Row = memo(function Row({ c, index, setSize, start, current, unread, tabStop, meId, measure, onOpen }: RowProps) {
  const now = Date.now();
  const at = c.status === 'closed' && c.closedAt ? c.closedAt : (c.lastInbound?.createdAt ?? c.lastMessageAt);
  const who = whoHasIt(c, meId, now);
  return (
    <li
      ref={measure}
      data-index={index}
      aria-setsize={setSize}
      aria-posinset={index + 1}
      className={[c.urgent ? 'urgent-row' : '', unread ? 'unread-row' : ''].join(' ').trim() || undefined}
      style={{ transform: `translateY(${start}px)` }}
    >
      <button
        type="button"
        className="row"
        data-conversation-id={c.id}
        data-index={index}
        tabIndex={tabStop ? 0 : -1}
        aria-current={current ? 'true' : undefined}
        onClick={() => onOpen(c.id)}
      >
        <span className="row-top">
          {c.urgent ? <span className="tag tag-urgent">URGENT</span> : null}
          <ChannelIcon channel={c.channel} />
          <strong className="row-name">
            <bdi>{contactLabel(c.customer)}</bdi>
          </strong>
          {unread ? (
            <span className="unread-dot">
              <span className="visually-hidden">Unread</span>
            </span>
          ) : null}
          <time className="row-time" dateTime={at} title={exactTime(at)}>
            {c.status === 'closed' ? `closed ${relativeTime(at, now)}` : relativeTime(at, now)}
          </time>
        </span>
        <span className="row-words">
          <bdi>{lastWords(c, meId).slice(0, 140)}</bdi>
        </span>
        {c.handler === 'bot' || who ? <span className="row-meta">{[c.handler === 'bot' ? 'with the bot' : '', who].filter(Boolean).join(' · ')}</span> : null}
      </button>
    </li>
  );
});

export function ConversationList({ conversations, counts, currentId, meId, filter, loading, hasMore, onFilter, onOpen, onSearch, onMore }: Props) {
  const [query, setQuery] = useState('');
  /** The row the keyboard was last on: the list's tab stop, kept rendered however far it is scrolled away. */
  const [activeId, setActiveId] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  /** A row to focus once it is rendered (after the keyboard moved to it). */
  const focusId = useRef<string | null>(null);
  /** The row that has focus, and where: if it leaves the list (closed, taken, filtered out), focus goes to the row now in its place. */
  const focusedRow = useRef<{ id: string; index: number } | null>(null);
  const tabs = useRef<Record<string, HTMLButtonElement | null>>({});
  const minute = Math.floor(useNow(30_000) / 60_000);

  const sorted = useMemo(() => [...conversations.values()].sort(listOrder(filter)), [conversations, filter]);
  const matching = useMemo(() => {
    const typed = query.trim().toLowerCase();
    // A number however it is typed ("07700 900499", "+44 7700…"): its digits after the leading 0 or +, as the hub searches.
    if (/^[+\d\s()-]{6,}$/.test(typed)) {
      const digits = typed.replace(/\D/g, '').replace(/^0+/, '');
      return sorted.filter((c) => c.customer.contactPoints.some((p) => p.address.replace(/\D/g, '').includes(digits)));
    }
    const words = typed.split(/\s+/).filter(Boolean);
    return words.length
      ? sorted.filter((c) => {
          const text = searchText(c);
          return words.every((w) => text.includes(w));
        })
      : sorted;
  }, [sorted, query]);
  const indexOf = useMemo(() => new Map(matching.map((c, i) => [c.id, i])), [matching]);

  // The tab stop: the row the keyboard was on, else the open conversation, else the first in view.
  const stopIndex = (activeId !== null ? indexOf.get(activeId) : undefined) ?? (currentId !== null ? indexOf.get(currentId) : undefined) ?? null;
  const keep = stopIndex;
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      // The tab stop stays in the page when scrolled out of view: focus on it is never dropped, Tab always finds it.
      if (keep !== null && keep < range.count && !indexes.includes(keep)) return [...indexes, keep].sort((a, b) => a - b);
      return indexes;
    },
    [keep],
  );
  const virtualizer = useVirtualizer({
    count: matching.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    overscan: 8,
    getItemKey: (index) => matching[index]?.id ?? index,
    rangeExtractor,
  });
  const items = virtualizer.getVirtualItems();
  const tabStop = stopIndex ?? items.find((item) => item.index >= (virtualizer.range?.startIndex ?? 0))?.index ?? items[0]?.index ?? null;

  // Typing pauses for a moment before the hub is asked.
  useEffect(() => {
    if (!query.trim()) return;
    const timer = setTimeout(() => onSearch(query.trim()), 300);
    return () => clearTimeout(timer);
  }, [query, filter, onSearch]);

  // Near the end of what is loaded: the next page. Not while searching (the hub is asked for matches instead).
  const endIndex = virtualizer.range?.endIndex ?? -1;
  useEffect(() => {
    if (hasMore && !loading && !query.trim() && endIndex >= matching.length - LOAD_AHEAD) onMore();
  }, [hasMore, loading, query, endIndex, matching.length, onMore]);

  // A new filter starts at the top.
  useEffect(() => {
    scrollRef.current?.scrollTo(0, 0);
    setActiveId(null);
  }, [filter]);

  // Focus where the keyboard moved, once that row is rendered; and if the row with focus left the list, to the
  // one now in its place (or the search box when none is left), so focus is never dropped on the page.
  useEffect(() => {
    const list = scrollRef.current;
    if (focusId.current) {
      const button = list?.querySelector<HTMLButtonElement>(`button[data-conversation-id="${focusId.current}"]`);
      if (button) {
        focusId.current = null;
        button.focus({ preventScroll: true });
      }
      return;
    }
    const had = focusedRow.current;
    if (!had || (document.activeElement && document.activeElement !== document.body) || indexOf.has(had.id)) return;
    focusedRow.current = null;
    if (!matching.length) return void searchRef.current?.focus();
    const next = matching[Math.min(had.index, matching.length - 1)]!;
    focusId.current = next.id;
    setActiveId(next.id);
    virtualizer.scrollToIndex(Math.min(had.index, matching.length - 1), { align: 'auto' });
  });

  const moveTo = (index: number) => {
    if (!matching.length) return;
    const to = Math.max(0, Math.min(index, matching.length - 1));
    const id = matching[to]!.id;
    focusId.current = id;
    setActiveId(id);
    virtualizer.scrollToIndex(to, { align: 'auto' });
  };

  // Rows: down and up (arrows, or j and k as in mail and feed readers), Home and End; up from the first row
  // goes back to the search box. Enter and Space open the row (it is a button).
  const onRowKey = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-index]');
    if (!button) return;
    const at = Number(button.dataset.index);
    const key = event.key;
    if (key === 'ArrowDown' || key === 'j') moveTo(at + 1);
    else if ((key === 'ArrowUp' || key === 'k') && at === 0) searchRef.current?.focus();
    else if (key === 'ArrowUp' || key === 'k') moveTo(at - 1);
    else if (key === 'Home') moveTo(0);
    else if (key === 'End') moveTo(matching.length - 1);
    else return;
    event.preventDefault();
  };
  const onRowFocus = (event: FocusEvent<HTMLUListElement>) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-conversation-id]');
    if (!button) return;
    const id = button.dataset.conversationId!;
    focusedRow.current = { id, index: Number(button.dataset.index) };
    if (id !== activeId) setActiveId(id);
  };
  const onRowBlur = (event: FocusEvent<HTMLUListElement>) => {
    // Focus went somewhere else on purpose; with no new target, the row may have been removed under it (kept).
    if (event.relatedTarget && !event.currentTarget.contains(event.relatedTarget as Node)) focusedRow.current = null;
  };
  // From the search box, down goes to the first row.
  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'ArrowDown' || !matching.length) return;
    event.preventDefault();
    moveTo(0);
  };

  // Tabs as WAI-ARIA has them: one tab stop, arrows (and Home, End) move between the tabs and choose.
  const onTabKey = (event: KeyboardEvent) => {
    const at = FILTERS.findIndex((f) => f.value === filter);
    const next =
      event.key === 'ArrowRight'
        ? (at + 1) % FILTERS.length
        : event.key === 'ArrowLeft'
          ? (at + FILTERS.length - 1) % FILTERS.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? FILTERS.length - 1
              : -1;
    if (next < 0) return;
    event.preventDefault();
    const chosen = FILTERS[next]!.value;
    onFilter(chosen);
    tabs.current[chosen]?.focus();
  };

  const total = matching.length;
  const searching = !!query.trim();
  // "Row 5 of 10,000": the tab's count while more are on the hub, unknown (-1) while searching them.
  const setSize = !hasMore ? total : !searching && counts && filter !== 'closed' ? Math.max(counts[filter], total) : -1;
  const summary =
    loading && total === 0
      ? 'Loading conversations…'
      : total === 0
        ? searching
          ? `No ${filter === 'closed' ? 'closed' : 'open'} conversation matches.`
          : filter === 'mine'
            ? 'You have no open conversations.'
            : filter === 'waiting'
              ? 'No one is waiting for a person.'
              : filter === 'closed'
                ? 'No closed conversations.'
                : 'No open conversations.'
        : searching
          ? `${total} matching.`
          : filter === 'closed'
            ? 'The most recently closed first.'
            : 'Urgent first, then the newest.';

  return (
    <div id="list-panel">
      <div className="tabs" role="tablist" aria-label="Conversations to show" onKeyDown={onTabKey}>
        {FILTERS.map((f) => (
          <button
            key={f.value}
            type="button"
            role="tab"
            id={`filter-${f.value}`}
            ref={(el) => void (tabs.current[f.value] = el)}
            aria-selected={filter === f.value}
            aria-controls="list-tabpanel"
            tabIndex={filter === f.value ? 0 : -1}
            onClick={() => onFilter(f.value)}
          >
            {f.label}
            {/* Closed has no count: it grows for ever, and how many is not something an agent acts on. */}
            {counts && f.value !== 'closed' ? (
              <>
                {' '}
                <span className="count">{String(counts[f.value])}</span>
              </>
            ) : null}
          </button>
        ))}
      </div>
      <div id="list-tabpanel" role="tabpanel" aria-labelledby={`filter-${filter}`}>
        <div className="list-tools">
          <label htmlFor="list-search">Find a conversation</label>
          <input
            id="list-search"
            ref={searchRef}
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={onSearchKey}
            aria-describedby="list-count"
            autoComplete="off"
            placeholder="Name, number, email or words"
          />
          <p id="list-count" aria-live="polite">
            {summary}
          </p>
        </div>
        {/* The part of the list pane that scrolls: the tabs and the search box stay in view above it. */}
        <div id="list-scroll" ref={scrollRef}>
          {/* Only the rows in view are in the page, each placed where it would be: the list is as tall as all of them. */}
          <ul id="conversation-list" style={{ height: `${virtualizer.getTotalSize()}px` }} onKeyDown={onRowKey} onFocus={onRowFocus} onBlur={onRowBlur}>
            {items.map((item) => {
              const c = matching[item.index]!;
              return (
                <Row
                  key={c.id}
                  c={c}
                  index={item.index}
                  setSize={setSize}
                  start={item.start}
                  current={c.id === currentId}
                  unread={c.status !== 'closed' && c.id !== currentId && isUnread(c)}
                  tabStop={item.index === tabStop}
                  meId={meId}
                  minute={minute}
                  measure={virtualizer.measureElement}
                  onOpen={onOpen}
                />
              );
            })}
          </ul>
          {hasMore && !searching && total > 0 ? (
            <p id="list-more" className="hint">
              Loading older conversations…
            </p>
          ) : null}
        </div>
      </div>
    </div>
  );
}
