// The header on every page: the desk's and the council's names, the views (Conversations, Supervisor,
// Evidence, Admin, Your account), a place for my status, the calls and the offers (the desk, which owns
// routing, renders into it), and who is signed in.
import type { Agent } from './api.ts';
import { seesAdmin } from './Admin.tsx';

/** What the main area shows: the three panes, the supervisor's view, the evidence view, the account page, or the admin area. */
export type View = 'desk' | 'supervisor' | 'evidence' | 'account' | 'admin';

/** Who works conversations (and so has a status, calls and offers): not service-team or strategy accounts. */
export const worksConversations = (agent: Agent) => agent.role === 'agent' || agent.role === 'supervisor' || agent.role === 'admin';
/** Who sees the evidence view (policy.ts: managers and strategy). */
export const seesEvidence = (agent: Agent) => agent.role === 'strategy' || agent.role === 'supervisor' || agent.role === 'admin';
/** The view an account opens on: a strategy account has only the evidence view (and its own account). */
export const homeView = (agent: Agent): View => (agent.role === 'strategy' ? 'evidence' : 'desk');

interface HeaderProps {
  site: { name: string; council: string | null };
  agent: Agent | null;
  view: View;
  onView: (view: View) => void;
  /** The element the desk puts my status, the calls and the offers in. */
  slotRef: (element: HTMLDivElement | null) => void;
  onSignOut: () => void;
}

export function Header({ site, agent, view, onView, slotRef, onSignOut }: HeaderProps) {
  const routed = !!agent && worksConversations(agent);
  const supervises = agent?.role === 'supervisor' || agent?.role === 'admin';
  // One link a view: the current one is marked (aria-current), and more (an admin area) can join the list.
  const views: { view: View; label: string }[] = agent
    ? [
        // A strategy account has no desk: neither conversations nor hand-offs.
        ...(agent.role === 'strategy' ? [] : [{ view: 'desk' as const, label: agent.role === 'service' ? 'Hand-offs' : 'Conversations' }]),
        ...(supervises ? [{ view: 'supervisor' as const, label: 'Supervisor' }] : []),
        ...(seesEvidence(agent) ? [{ view: 'evidence' as const, label: 'Evidence' }] : []),
        ...(seesAdmin(agent) ? [{ view: 'admin' as const, label: 'Admin' }] : []),
        { view: 'account', label: 'Your account' },
      ]
    : [];
  return (
    <header className="top">
      <h1 className="brand">
        {`${site.name} desk`}
        {site.council ? <span className="council">{site.council}</span> : null}
      </h1>
      {agent ? (
        <nav id="account-nav" aria-label="Desk">
          {views.map((v) => (
            <button key={v.view} type="button" aria-current={view === v.view ? 'page' : undefined} onClick={() => onView(v.view)}>
              {v.label}
            </button>
          ))}
        </nav>
      ) : null}
      <div id="me" ref={slotRef} hidden={!routed || view === 'account' || view === 'admin'} />
      <div className="who">
        <p id="whoami" aria-live="polite">
          {agent ? `Signed in as ${agent.displayName}` : ''}
        </p>
        {agent ? (
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        ) : null}
      </div>
    </header>
  );
}
