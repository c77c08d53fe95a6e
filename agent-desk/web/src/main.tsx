// Entry point of the desk's bundle (built in memory by the hub at start: agent-desk/server/web-bundle.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { App } from './App.tsx';
import { queryClient } from './query.ts';

const root = document.getElementById('app');
if (!root) throw new Error('the desk page has no #app element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
