// Entry point of the desk's bundle (built in memory by the hub at start: agent-desk/server/web-bundle.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { api } from './api.ts';
import { learnChannels } from './text.ts';

const root = document.getElementById('app');
if (!root) throw new Error('the desk page has no #app element');
// Channels' names and icons come from their modules, through the hub: known before anything shows a channel.
// A hub that cannot answer still gets a desk (channels then show by their kind).
api<{ channels: { kind: string; label: string; icon: string | null }[] }>('/api/site')
  .then(
    ({ channels }) => learnChannels(channels),
    () => {},
  )
  .finally(() =>
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
