// Entry point of the desk's bundle (built in memory by the hub at start: agent-desk/server/web-bundle.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';

const root = document.getElementById('app');
if (!root) throw new Error('the desk page has no #app element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
