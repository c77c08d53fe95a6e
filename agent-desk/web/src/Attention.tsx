// For supervisors: hand-offs that need a person to step in (not delivered, or not accepted in time and
// escalated), live, each opening with the same detail and actions a service has.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Socket } from 'socket.io-client';
import { api } from './api.ts';
import { HandoffDetail } from './HandoffDetail.tsx';
import { HandoffList } from './HandoffList.tsx';
import { HandoffStyles } from './HandoffStyles.tsx';
import { plainError, useSocketEvent, type Handoff, type ServiceEntry } from './handoffs.ts';

export function Attention({ socket }: { socket: Socket | null }) {
  const [handoffs, setHandoffs] = useState<Handoff[]>([]);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [services, setServices] = useState<ServiceEntry[] | null>(null);
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    try {
      setHandoffs((await api<{ handoffs: Handoff[] }>('/api/handoffs?status=attention')).handoffs);
      setError('');
    } catch (e) {
      setError(plainError(e));
    }
  }, []);
  useEffect(() => {
    void load();
    api<{ services: ServiceEntry[] }>('/api/services').then(
      ({ services: list }) => setServices(list),
      () => setServices(null),
    );
  }, [load]);
  useSocketEvent(socket, 'handoff.updated', () => void load());
  useSocketEvent(socket, 'desk.resync', () => void load());

  return (
    <section id="attention" className="card" aria-labelledby="attention-title">
      <HandoffStyles />
      <h3 id="attention-title">Hand-offs needing attention</h3>
      <p className="hint">Ones that could not be delivered, or that a service has not accepted in time.</p>
      <p id="attention-empty" hidden={handoffs.length > 0}>
        Nothing needs attention.
      </p>
      <HandoffList handoffs={handoffs} currentId={currentId} labelledBy="attention-title" showService onOpen={setCurrentId} />
      <p role="alert">{error}</p>
      {currentId ? (
        <DetailDialog key={currentId} onClose={() => setCurrentId(null)}>
          <HandoffDetail handoffId={currentId} socket={socket} services={services} level={3} onChanged={() => void load()} />
        </DetailDialog>
      ) : null}
    </section>
  );
}

/**
 * The hand-off opens over the desk (this column is narrow): a modal <dialog> keeps keyboard focus inside,
 * closes with Escape, and gives focus back to the list item that opened it.
 */
function DetailDialog({ children, onClose }: { children: ReactNode; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (!ref.current?.open) ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} className="handoff-dialog" aria-labelledby="handoff-detail-title" onClose={onClose}>
      {/* First, so it is where focus lands when the dialog opens. */}
      <button type="button" className="back" onClick={() => ref.current?.close()}>
        Back to the list
      </button>
      {children}
    </dialog>
  );
}
