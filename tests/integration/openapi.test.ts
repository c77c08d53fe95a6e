// GET /api/openapi.json against the app that serves it: every route the running app mounts (the desk API,
// /health, each channel's webhooks and the Slack hand-offs, with every channel switched on) is in the document
// with its method and path, and every documented route is mounted. The document is also checked for the shape
// OpenAPI 3.1 asks of it: each $ref resolves, each operation has responses, path parameters match the path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import { channelModules } from '../../channels/registry.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { freePort } from '../../testkit/processes.ts';
import { startTestHub, testEnv } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';

/**
 * Mounted routes that serve several documented ones: the offer route takes its answer as a path parameter
 * (checked in routing.ts), and the document gives each answer its own operation, as policy.ts does.
 */
const SERVES: Record<string, string[]> = {
  'POST /api/offers/{id}/{answer}': ['POST /api/offers/{id}/accept', 'POST /api/offers/{id}/decline'],
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let database: TestDatabase;
let hub: RunningHub & { url: string };
let document: any;

beforeAll(async () => {
  database = await createTestDatabase('openapi');
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      // Every channel on, so every route an adapter mounts is mounted; and the Slack hand-offs.
      WHATSAPP_FROM: '+442079460002',
      BOT_ENDPOINT_ANONYMOUS: 'true',
      EMAIL_INBOUND_ADDRESSES: 'contact@council.example',
      SMTP_PORT: String(await freePort()),
      SMTP_HOST: '127.0.0.1',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'a-signing-secret-of-some-length',
      // Never called: nothing here is handed to Slack.
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
    }),
  );
  document = await (await fetch(`${hub.url}/api/openapi.json`)).json();
});
afterAll(async () => {
  await hub?.stop();
  await database?.drop();
});

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
  name?: string;
}

/** "METHOD /path" of every route in an Express router's stack and the routers mounted in it, `:id` written `{id}`. */
function mountedRoutes(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const { path, methods } = layer.route;
      if (typeof path !== 'string') throw new Error(`a route mounted at ${String(path)}: only string paths can be matched to the document`);
      const documented = `${prefix}${path}`.replace(/:(\w+)/g, '{$1}');
      return Object.keys(methods)
        .filter((m) => methods[m] && m !== '_all')
        .map((m) => `${m.toUpperCase()} ${documented}`);
    }
    // A router mounted with app.use(path?, router): its routes, under its mount path.
    if (layer.handle?.stack) {
      const mount = layer.rawPath ?? '/';
      if (typeof mount !== 'string') throw new Error(`a router mounted at ${String(mount)}: only string paths can be matched to the document`);
      return mountedRoutes(layer.handle.stack, prefix + (mount === '/' ? '' : mount));
    }
    return [];
  });
}

const documentedRoutes = () =>
  Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );

describe('the OpenAPI document and the routes the app mounts', () => {
  it('runs with every channel switched on', () => {
    expect(Object.keys(hub.adapters).sort()).toEqual(Object.keys(channelModules).sort());
  });

  it('documents every mounted route, and mounts every documented one', () => {
    const app = hub.app as Express;
    const mounted = [...new Set(mountedRoutes((app.router as unknown as { stack: Layer[] }).stack).flatMap((route) => SERVES[route] ?? [route]))];
    // The walk itself found the API and the channels' webhooks (an empty walk would pass vacuously).
    expect(mounted).toEqual(
      expect.arrayContaining([
        'GET /health',
        'POST /api/auth/login',
        'POST /webhooks/twilio/sms',
        'POST /api/messages',
        'POST /slack/events',
        'GET /chat/widget.js',
      ]),
    );
    const documented = documentedRoutes();
    expect(
      mounted.filter((route) => !documented.includes(route)),
      'mounted but not in the OpenAPI document',
    ).toEqual([]);
    expect(
      documented.filter((route) => !mounted.includes(route)),
      'in the OpenAPI document but not mounted',
    ).toEqual([]);
  });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with an info, paths and the session scheme its security names', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toEqual(expect.objectContaining({ title: expect.any(String), version: expect.any(String) }));
    const schemes = Object.keys(document.components?.securitySchemes ?? {});
    const requirements = [
      document.security ?? [],
      ...Object.values(document.paths).flatMap((item: any) => Object.values(item).map((op: any) => op.security ?? [])),
    ].flat();
    const named = [...new Set(requirements.flatMap((r: object) => Object.keys(r)))];
    expect(
      named.filter((name) => !schemes.includes(name)),
      'security requirements naming no scheme',
    ).toEqual([]);
  });

  it('resolves every $ref within itself', () => {
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.push(value);
          else walk(value);
        }
      }
    };
    walk(document);
    // The error answers share one schema: if none were referenced, this check would check nothing.
    expect(refs).toContain('#/components/schemas/Error');
    const resolves = (ref: string) => {
      if (!ref.startsWith('#/')) return false;
      let node: any = document;
      for (const part of ref
        .slice(2)
        .split('/')
        .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'))) {
        if (!node || typeof node !== 'object' || !(part in node)) return false;
        node = node[part];
      }
      return node !== undefined;
    };
    expect(
      [...new Set(refs)].filter((ref) => !resolves(ref)),
      'unresolved $refs',
    ).toEqual([]);
  });

  it('gives each operation responses with descriptions, and path parameters that match its path', () => {
    const problems: string[] = [];
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
      if (!path.startsWith('/')) problems.push(`${path}: does not start with /`);
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (!HTTP_METHODS.includes(method)) {
          problems.push(`${where}: not an HTTP method`);
          continue;
        }
        const responses = Object.entries(operation.responses ?? {});
        if (!responses.length) problems.push(`${where}: no responses`);
        for (const [status, response] of responses as [string, any][]) {
          if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) problems.push(`${where}: response ${status} is not a status code`);
          if (!response.$ref && typeof response.description !== 'string') problems.push(`${where}: response ${status} has no description`);
        }
        const parameters = (operation.parameters ?? []) as { name: string; in: string; required?: boolean; schema?: unknown }[];
        const seen = new Set<string>();
        for (const parameter of parameters) {
          if (!['path', 'query', 'header', 'cookie'].includes(parameter.in)) problems.push(`${where}: parameter ${parameter.name} is in ${parameter.in}`);
          if (!parameter.schema) problems.push(`${where}: parameter ${parameter.name} has no schema`);
          if (seen.has(`${parameter.in} ${parameter.name}`)) problems.push(`${where}: parameter ${parameter.name} twice`);
          seen.add(`${parameter.in} ${parameter.name}`);
          if (parameter.in === 'path' && parameter.required !== true) problems.push(`${where}: path parameter ${parameter.name} is not required`);
        }
        const pathParameters = parameters.filter((p) => p.in === 'path').map((p) => p.name);
        if ([...pathParameters].sort().join() !== [...inPath].sort().join())
          problems.push(`${where}: path parameters ${pathParameters.join(', ') || 'none'} for {${inPath.join('}, {')}}`);
        if (operation.requestBody && !Object.keys(operation.requestBody.content ?? {}).length) problems.push(`${where}: a request body with no content`);
      }
    }
    expect(problems).toEqual([]);
  });
});
