// The open conversations, fast with thousands: the hub sends at most LIST_LIMIT (newest first) for the chosen
// filter, the page renders PAGE_SIZE rows at a time ("Show more" adds the next page and moves focus to its
// first row) and a search box narrows what was loaded and asks the hub for older ones that match. Plain buttons in a list: keyboard and screen reader
// users get the same page as everyone else, with the count announced politely.
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { ConversationSummary } from './api.ts';
import { contactLabel, searchText, whoHasIt } from './text.ts';

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

const Row = memo(function Row({ c, current, meId, onOpen }: { c: ConversationSummary; current: boolean; meId: string | null; onOpen: (id: string) => void }) {
  return (
    <li>
      <button type="button" data-conversation-id={c.id} aria-current={current ? 'true' : undefined} onClick={() => onOpen(c.id)}>
        {c.urgent ? <span className="urgent">URGENT </span> : null}
        <strong>
          <bdi>{contactLabel(c.customer)}</bdi>
        </strong>
        <span className="meta">
          {`${c.channel.toUpperCase()}${c.handler === 'bot' ? ' · with the bot' : ''}${whoHasIt(c, meId)} · `}
          <bdi>{c.lastMessage ? c.lastMessage.body.slice(0, 80) : ''}</bdi>
        </span>
      </button>
    </li>
  );
});

export function ConversationList({ conversations, currentId, meId, filter, loading, onFilter, onOpen, onSearch }: Props) {
  const [query, setQuery] = useState('');
  const [shown, setShown] = useState(PAGE_SIZE);
  const listRef = useRef<HTMLUListElement>(null);
  const focusRow = useRef<number | null>(null);

  const sorted = useMemo(() => [...conversations.values()].sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt)), [conversations]);
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
      <fieldset id="list-filter">
        <legend>Show</legend>
        {FILTERS.map((f) => (
          <span key={f.value} className="choice">
            <input type="radio" id={`filter-${f.value}`} name="list-filter" value={f.value} checked={filter === f.value} onChange={() => onFilter(f.value)} />
            <label htmlFor={`filter-${f.value}`}>{f.label}</label>
          </span>
        ))}
      </fieldset>
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
      <ul id="conversation-list" ref={listRef}>
        {visible.map((c) => (
          <Row key={c.id} c={c} current={c.id === currentId} meId={meId} onOpen={onOpen} />
        ))}
      </ul>
      {total > visible.length ? (
        <button type="button" id="list-more" onClick={more}>
          {`Show ${Math.min(PAGE_SIZE, total - visible.length)} more conversations`}
        </button>
      ) : null}
    </div>
  );
}
