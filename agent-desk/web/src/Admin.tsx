// The desk's admin area, beside "Your account": agents, teams, the audit log, canned responses and the
// service directory. Supervisors get what the API lets them do (policy.ts): agents' routing, teams, canned
// responses, reading the directory. Admins get all of it. Each screen says its results and refusals in live
// regions; opening a screen moves focus to its title.
import { useEffect, useRef, useState } from 'react';
import type { Agent } from './api.ts';
import { AdminAgents } from './AdminAgents.tsx';
import { AdminTeams } from './AdminTeams.tsx';
import { AdminAudit } from './AdminAudit.tsx';
import { AdminCanned } from './AdminCanned.tsx';
import { AdminDirectory } from './AdminDirectory.tsx';

type Screen = 'agents' | 'teams' | 'audit' | 'canned' | 'directory';

const SCREENS: { id: Screen; title: string; adminOnly?: true }[] = [
  { id: 'agents', title: 'Agents' },
  { id: 'teams', title: 'Teams' },
  { id: 'audit', title: 'Audit log', adminOnly: true },
  { id: 'canned', title: 'Canned responses' },
  { id: 'directory', title: 'Service directory' },
];

/** Who sees the admin area at all. */
export const seesAdmin = (agent: Agent) => agent.role === 'admin' || agent.role === 'supervisor';

export function AdminPage({ agent }: { agent: Agent }) {
  const admin = agent.role === 'admin';
  const screens = SCREENS.filter((s) => admin || !s.adminOnly);
  const [screen, setScreen] = useState<Screen>('agents');
  const pageTitle = useRef<HTMLHeadingElement>(null);
  const screenTitle = useRef<HTMLHeadingElement>(null);
  const opened = useRef(false);
  // Opening the area focuses its title; choosing a screen focuses the screen's title.
  useEffect(() => {
    if (opened.current) screenTitle.current?.focus();
    else pageTitle.current?.focus();
    opened.current = true;
  }, [screen]);
  const current = screens.find((s) => s.id === screen)!;
  return (
    <section id="admin" aria-labelledby="admin-title">
      <h2 id="admin-title" tabIndex={-1} ref={pageTitle}>
        Admin
      </h2>
      <nav aria-label="Admin screens">
        <ul className="admin-screens">
          {screens.map((s) => (
            <li key={s.id}>
              <button type="button" aria-current={s.id === screen ? 'page' : undefined} onClick={() => setScreen(s.id)}>
                {s.title}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-labelledby="admin-screen-title" id={`admin-${screen}`}>
        <h3 id="admin-screen-title" tabIndex={-1} ref={screenTitle}>
          {current.title}
        </h3>
        {screen === 'agents' ? <AdminAgents me={agent} /> : null}
        {screen === 'teams' ? <AdminTeams /> : null}
        {screen === 'audit' && admin ? <AdminAudit /> : null}
        {screen === 'canned' ? <AdminCanned /> : null}
        {screen === 'directory' ? <AdminDirectory admin={admin} /> : null}
      </section>
    </section>
  );
}
