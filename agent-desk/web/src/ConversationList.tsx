// The open conversations, fast with thousands: the hub sends at most LIST_LIMIT (newest first) for the chosen
// tab, the page renders PAGE_SIZE rows at a time ("Show more" adds the next page and moves focus to its first
// row) and a search box narrows what was loaded and asks the hub for older ones that match. Tabs (Mine,
// Waiting, All open) say how many each holds; urgent conversations come first. Each row is one button: the
// channel (an icon with its name as text alternative), who, the customer's own last words (not the bot's
// answer), how long ago, and whether the customer wrote since this agent last opened it.
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ConversationCounts, ConversationSummary } from './api.ts';
import { ChannelIcon } from './Icons.tsx';
import { useNow } from './Side.tsx';
import { contactLabel, exactTime, isUnread, relativeTime, searchText, senderLabel, whoHasIt } from './text.ts';

export type ListFilter = 'mine' | 'waiting' | 'all';
export const LIST_LIMIT = 500;
export const PAGE_SIZE = 50;

const FILTERS: { value: ListFilter; label: string }[] = [
  { value: 'mine', label: 'Mine' },
  { value: 'waiting', label: 'Waiting' },
  { value: 'all', label: 'All open' },
];

interface Props {
  conversations: Map<string, ConversationSummary>;
  counts: ConversationCounts | null;
  currentId: string | null;
  meId: string | null;
  filter: ListFilter;
  /** True until the chosen filter's conversations have arrived. */
  loading: boolean;
  onFilter: (filter: ListFilter) => void;
  onOpen: (id: string) => void;
  /** Asks the hub too: a conversation older than the loaded ones is found by its customer's name or number. */
  onSearch: (query: string) => void;
}

/** What the row quotes: the customer's own last words; if they have written nothing, the last message and who sent it. */
function lastWords(c: ConversationSummary, meId: string | null): string {
  if (c.lastInbound) return c.lastInbound.body || 'Sent a file';
  if (c.lastMessage) return `${senderLabel(c.lastMessage, meId)}: ${c.lastMessage.body}`;
  return '';
}

interface RowProps {
  c: ConversationSummary;
  current: boolean;
  unread: boolean;
  meId: string | null;
  /** The minute now: rows say how long ago, and render again only when it changes. */
  minute: number;
  onOpen: (id: string) => void;
}

// `minute` is not read: as a prop it makes the memoised row render again (and say how long ago) each minute.
const Row = memo(function Row({ c, current, unread, meId, onOpen }: RowProps) {
  const now = Date.now();
  const at = c.lastInbound?.createdAt ?? c.lastMessageAt;
  const who = whoHasIt(c, meId, now);
  return (
    <li className={[c.urgent ? 'urgent-row' : '', unread ? 'unread-row' : ''].join(' ').trim() || undefined}>
      <button type="button" className="row" data-conversation-id={c.id} aria-current={current ? 'true' : undefined} onClick={() => onOpen(c.id)}>
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
            {relativeTime(at, now)}
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

export function ConversationList({ conversations, counts, currentId, meId, filter, loading, onFilter, onOpen, onSearch }: Props) {
  const [query, setQuery] = useState('');
  const [shown, setShown] = useState(PAGE_SIZE);
  const listRef = useRef<HTMLUListElement>(null);
  const focusRow = useRef<number | null>(null);
  const tabs = useRef<Record<string, HTMLButtonElement | null>>({});
  const minute = Math.floor(useNow(30_000) / 60_000);

  // Urgent first, then the newest.
  const sorted = useMemo(
    () => [...conversations.values()].sort((a, b) => Number(b.urgent) - Number(a.urgent) || b.lastMessageAt.localeCompare(a.lastMessageAt)),
    [conversations],
  );
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
  const visible = matching.slice(0, shown);

  // A new filter or search starts again at the first page.
  useEffect(() => setShown(PAGE_SIZE), [filter, query]);
  // Typing pauses for a moment before the hub is asked.
  useEffect(() => {
    if (!query.trim()) return;
    const timer = setTimeout(() => onSearch(query.trim()), 300);
    return () => clearTimeout(timer);
  }, [query, filter, onSearch]);

  useEffect(() => {
    if (focusRow.current === null) return;
    const button = listRef.current?.querySelectorAll('button')[focusRow.current];
    focusRow.current = null;
    button?.focus();
  });

  const more = () => {
    focusRow.current = shown;
    setShown((n) => n + PAGE_SIZE);
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
  const summary =
    loading && total === 0
      ? 'Loading conversations…'
      : total === 0
        ? query
          ? 'No open conversation matches.'
          : filter === 'mine'
            ? 'You have no open conversations.'
            : filter === 'waiting'
              ? 'No one is waiting for a person.'
              : 'No open conversations.'
        : `Showing ${visible.length} of ${total}${query ? ' matching' : ''}${!query && conversations.size >= LIST_LIMIT ? ` (the ${LIST_LIMIT} most recent; find others by name or number)` : ''}.`;

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
            {counts ? (
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
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-describedby="list-count"
            autoComplete="off"
            placeholder="Name, number, email or words"
          />
          <p id="list-count" aria-live="polite">
            {summary}
          </p>
        </div>
        {/* The part of the list pane that scrolls: the tabs and the search box stay in view above it. */}
        <div id="list-scroll">
          <ul id="conversation-list" ref={listRef}>
            {visible.map((c) => (
              <Row key={c.id} c={c} current={c.id === currentId} unread={c.id !== currentId && isUnread(c)} meId={meId} minute={minute} onOpen={onOpen} />
            ))}
          </ul>
          {total > visible.length ? (
            <button type="button" id="list-more" onClick={more}>
              {`Show ${Math.min(PAGE_SIZE, total - visible.length)} more conversations`}
            </button>
          ) : null}
        </div>
      </div>
    </div>
  );
}
