// A hub served over plain http (a trial on a council's own network, PUBLIC_BASE_URL http://…) must not tell
// browsers to upgrade its requests to https: they then fetch the desk's and the web-chat widget's scripts over
// https, fail, and show a blank page on any host but localhost. Over https the upgrade stays on. The hub puts
// this middleware in front of every route (app/compose.ts).
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../app/security-headers.ts';

async function policyOf(publicBaseUrl: string): Promise<string> {
  const app = express();
  app.use(securityHeaders(publicBaseUrl));
  app.get('/desk/', (_req, res) => void res.send('<!doctype html>'));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/desk/`);
    expect(res.status).toBe(200);
    return res.headers.get('content-security-policy') ?? '';
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('security headers', () => {
  it('on plain http: scripts from the hub only, and no upgrade-insecure-requests', async () => {
    const policy = await policyOf('http://192.0.2.10:3000');
    expect(policy).toMatch(/script-src 'self'/);
    expect(policy).not.toMatch(/upgrade-insecure-requests/);
  });

  it('over https: upgrade-insecure-requests stays on', async () => {
    expect(await policyOf('https://hub.council.example')).toMatch(/upgrade-insecure-requests/);
  });
});
