// The supervisor's own view, a tab of the header rather than tables stacked above the agent's list: first, any
// urgent conversation nobody can be offered (its team closed, or nobody in it available); then the queues by
// team with who is available for each, each agent's presence and load, phone calls, and the hand-offs that need
// a person to step in.
import type { Socket } from 'socket.io-client';
import type { Call, Overview } from './api.ts';
import { Attention } from './Attention.tsx';
import { CallsOverview, QueuesAndAgents, useNow } from './Side.tsx';
import { contactLabel, minutesSince, CHANNEL_NAMES } from './text.ts';

interface Props {
  overview: Overview | null;
  calls: Map<string, Call>;
  socket: Socket | null;
  hidden: boolean;
  /** Opens the conversation on the desk (where it can be assigned to me or transferred). */
  onOpen: (conversationId: string) => void;
}

export function SupervisorView({ overview, calls, socket, hidden, onOpen }: Props) {
  return (
    <section id="supervisor-view" className="page" aria-labelledby="supervisor-view-title" hidden={hidden}>
      <h2 id="supervisor-view-title">Supervisor</h2>
      <Unattended overview={overview} onOpen={onOpen} />
      <div className="supervisor-grid">
        <div className="column">
          <QueuesAndAgents overview={overview} />
          <CallsOverview calls={calls} />
        </div>
        <div className="column">
          <Attention socket={socket} />
        </div>
      </div>
    </section>
  );
}

/** Urgent conversations routing cannot offer to anyone: said in words, each with the team and why. */
function Unattended({ overview, onOpen }: { overview: Overview | null; onOpen: (conversationId: string) => void }) {
  const now = useNow(30_000);
  const list = overview?.unattended ?? [];
  const hoursOf = (teamId: string | null) => overview?.queues.find((q) => q.teamId === teamId)?.hours;
  return (
    <section id="unattended" className="card warning-card" aria-labelledby="unattended-title" hidden={list.length === 0}>
      <h3 id="unattended-title">{`Urgent and nobody to take ${list.length === 1 ? 'it' : 'them'}`}</h3>
      <ul id="unattended-list">
        {list.map((u) => {
          const why =
            u.reason === 'team_closed'
              ? `${u.team.name} is closed now${hoursOf(u.team.id) ? ` (open ${hoursOf(u.team.id)})` : ''}.`
              : `Nobody in ${u.team.name} is signed in and available.`;
          const who = contactLabel(u.customer);
          return (
            <li key={u.conversationId} data-conversation-id={u.conversationId}>
              <span>
                <strong>URGENT: </strong>
                <bdi>{who}</bdi>
                {` (${CHANNEL_NAMES[u.channel] ?? u.channel}) has waited ${minutesSince(u.waitingSince, now)} min for ${u.team.name}. ${why}`}
              </span>
              <button type="button" className="small" onClick={() => onOpen(u.conversationId)}>
                Open<span className="visually-hidden">{` the conversation with ${who}`}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
