// The agent desk: sign in, see open conversations and waiting calls live, take a call, read one, reply (on the
// channel chosen), record needs, write private notes, answer offers, hand needs on to services, hand on or
// close; supervisors watch the queues and the hand-offs needing attention in their own view. A service-team
// account gets its service's hand-offs instead. Managers and strategy accounts see the evidence view; a
// strategy account sees nothing else (no desk, no live connection). Everything the customer wrote is
// rendered as React text, never parsed as HTML.
//
// This is the shell: who is signed in, which view shows, the header; the desk itself is DeskView.tsx.
import { Component, lazy, Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, onShapeError, type Agent } from './api.ts';
import { ServiceDesk } from './ServiceDesk.tsx';
import { AccountPage } from './Account.tsx';
import { AdminPage } from './Admin.tsx';
import { queries } from './query.ts';
import { SignIn } from './SignIn.tsx';
import { Header, homeView, seesEvidence, worksConversations, type View } from './Header.tsx';
import { DeskView } from './DeskView.tsx';

export type { View } from './Header.tsx';

// The evidence view and its charting library are loaded only when it is first opened: agents never load them.
const EvidencePage = lazy(() => import('./Evidence.tsx').then((m) => ({ default: m.EvidencePage })));

/** A view's code that could not be loaded (the network, or a redeploy since this page was opened): said plainly. */
class LoadFailed extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? (
      <p className="page" role="alert">
        This view could not be loaded. Reload the page; if it goes on, tell your administrator.
      </p>
    ) : (
      this.props.children
    );
  }
}

/** Before the hub has said its names. */
const UNNAMED = { name: 'contact-hub', council: null };

export function App() {
  const [agent, setAgent] = useState<Agent | null>(null);
  const [signedOut, setSignedOut] = useState(false);
  const [notice, setNotice] = useState('');
  const [view, setView] = useState<View>('desk');
  // My status and the calls sit in the header; the desk, which owns routing, renders into it.
  const [slot, setSlot] = useState<HTMLDivElement | null>(null);

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
      ({ agent: a }) => {
        setAgent(a);
        setView(homeView(a));
      },
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
    setView(homeView(a));
  };
  const sessionEnded = useCallback(
    () => onSignedOut('You were signed out: your session ended (idle for too long, or signed out from elsewhere). Sign in again to go on.', true),
    [onSignedOut],
  );

  return (
    <>
      <Header site={site} agent={agent} view={view} onView={setView} slotRef={setSlot} onSignOut={() => void signOut()} />
      {shapeError ? (
        <p id="desk-error" role="alert">
          {shapeError}
        </p>
      ) : null}
      <main className={agent && worksConversations(agent) && view === 'desk' ? 'on-desk' : undefined}>
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
        {agent && view === 'evidence' && seesEvidence(agent) ? (
          <LoadFailed>
            <Suspense fallback={<p className="page">Loading the evidence view…</p>}>
              <EvidencePage onSessionEnded={sessionEnded} />
            </Suspense>
          </LoadFailed>
        ) : null}
        {/* The desk stays mounted (its connection and what it has loaded) while another view is open. A strategy
            account has none: it may open nothing but the evidence view, so nothing here asks the hub for more. */}
        {agent && agent.role !== 'strategy' ? (
          agent.role === 'service' ? (
            <div className="page" hidden={view !== 'desk'}>
              {/* A service-team account works its service's hand-offs, not conversations. */}
              <ServiceDesk />
            </div>
          ) : (
            <DeskView agent={agent} slot={slot} view={view} onShowDesk={showDesk} onSignedOut={onSignedOut} />
          )
        ) : null}
      </main>
    </>
  );
}
