// A list of hand-offs to choose from (the service view, the supervisors' list): urgent ones first (the hub
// orders them so), overdue ones marked, each a button that opens it.
import { useNow } from './Side.tsx';
import { isOverdue, STATUS_WORDS, type Handoff } from './handoffs.ts';

interface ListProps {
  handoffs: Handoff[];
  currentId: string | null;
  labelledBy: string;
  /** Supervisors see every service's: name it. */
  showService?: boolean;
  onOpen: (id: string) => void;
}

export function HandoffList({ handoffs, currentId, labelledBy, showService = false, onOpen }: ListProps) {
  const now = useNow(30_000);
  return (
    <ul className="handoff-list" aria-labelledby={labelledBy}>
      {handoffs.map((h) => {
        const who = h.customer.name ?? h.customer.phone ?? h.customer.email ?? 'Customer';
        return (
          <li key={h.id} data-reference={h.reference}>
            <button type="button" aria-current={h.id === currentId ? 'true' : undefined} onClick={() => onOpen(h.id)}>
              <strong className={h.urgent ? 'urgent' : undefined}>{`${h.urgent ? 'URGENT · ' : ''}${who}`}</strong>
              {isOverdue(h, now) ? <strong className="overdue"> · OVERDUE</strong> : null}
              <span className="meta">{h.needs.map((n) => n.label).join('; ')}</span>
              <span className="meta">{`Reference ${h.reference}${showService ? ` · ${h.service.name}` : ''} · ${STATUS_WORDS[h.status]}`}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
