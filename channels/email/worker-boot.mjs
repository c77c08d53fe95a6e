// Starts a worker thread on a TypeScript module: the hub runs its TypeScript through tsx, and a worker
// thread does not inherit the loader, so it registers it here before importing the module it was given.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
