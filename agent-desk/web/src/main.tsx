// Entry point of the desk's bundle (built in memory by the hub at start: agent-desk/server/web-bundle.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { App } from './App.tsx';
import { learnChannels } from './text.ts';
import { queries, queryClient } from './query.ts';

const root = document.getElementById('app');
if (!root) throw new Error('the desk page has no #app element');
// Channels' names and icons come from their modules, through the hub: known before anything shows a channel.
// A hub that cannot answer still gets a desk (channels then show by their kind). The answer stays in the query
// cache: the header's names are the same answer, not a second request.
queryClient
  .fetchQuery(queries.site)
  .then(
    ({ channels }) => learnChannels(channels),
    () => {},
  )
  .finally(() =>
    createRoot(root).render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <App />
        </QueryClientProvider>
      </StrictMode>,
    ),
  );
