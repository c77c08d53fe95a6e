// The supervisor's own view, a tab of the header rather than tables stacked above the agent's list: the queues
// by team, each agent's presence and load, phone calls, and the hand-offs that need a person to step in.
import type { Socket } from 'socket.io-client';
import type { Call, Overview } from './api.ts';
import { Attention } from './Attention.tsx';
import { CallsOverview, QueuesAndAgents } from './Side.tsx';

interface Props {
  overview: Overview | null;
  calls: Map<string, Call>;
  socket: Socket | null;
  hidden: boolean;
}

export function SupervisorView({ overview, calls, socket, hidden }: Props) {
  return (
    <section id="supervisor-view" className="page" aria-labelledby="supervisor-view-title" hidden={hidden}>
      <h2 id="supervisor-view-title">Supervisor</h2>
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
