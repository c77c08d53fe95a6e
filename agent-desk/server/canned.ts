// Canned responses: saved replies an agent inserts into the reply box and edits before sending. Everyone's
// (teamId null) or one team's; an agent sees everyone's and their own teams'. Supervisors and admins write them.
//
// Placeholders: a body may contain the names in PLACEHOLDERS, in braces. The server stores them as written;
// the desk fills them in when the agent inserts the response (first_name: the first word of the customer's
// name; agent_name: the signed-in agent's display name). A value the desk does not know is left in place and
// selected, for the agent to fill in by hand. Any other {name} is refused when saving, so a typo such as
// {firstname} can never reach a customer.
import express from 'express';
import { z } from 'zod';
import type { Db } from '../../hub/db/client.ts';
import { invalid } from './http.ts';

export const PLACEHOLDERS = {
  first_name: "the customer's first name (the first word of their name on record)",
  agent_name: 'the display name of the agent inserting the response',
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

/** Every {…} in a text: the braces' content, whatever it is (one line, no nested braces). */
const BRACED = /\{([^{}\n]*)\}/g;

/** Placeholders in a body that are not in PLACEHOLDERS, each once, as written (e.g. "{firstname}"). */
export function unknownPlaceholders(body: string): string[] {
  const unknown = new Set<string>();
  for (const [whole, name] of body.matchAll(BRACED)) if (!Object.hasOwn(PLACEHOLDERS, name!)) unknown.add(whole);
  return [...unknown];
}

const allowed = Object.keys(PLACEHOLDERS)
  .map((p) => `{${p}}`)
  .join(' and ');

export const CannedBody = z.object({
  title: z.string({ error: 'title is required (a string)' }).trim().min(1, 'title is empty').max(80, 'title is longer than 80 characters'),
  body: z
    .string({ error: 'body is required (a string)' })
    .trim()
    .min(1, 'body is empty')
    .max(1600, 'body is longer than 1600 characters')
    .superRefine((body, ctx) => {
      const unknown = unknownPlaceholders(body);
      if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown placeholder ${unknown.join(', ')}: only ${allowed} can be used` });
    }),
  /** The team whose agents see it; absent or null: everyone's. */
  teamId: z.uuid('teamId must be a team id (a UUID)').nullish(),
});

export const CannedView = z.object({
  id: z.uuid(),
  title: z.string(),
  body: z.string(),
  /** null: everyone's. */
  team: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type CannedView = z.infer<typeof CannedView>;

export const CannedListQuery = z.object({
  /** mine (default): everyone's and my teams'; all: every team's too (supervisors and admins, to manage them). */
  scope: z.enum(['mine', 'all']).default('mine'),
});

export const IdParam = z.object({ id: z.uuid('canned response id must be a UUID') });
const include = { team: { select: { id: true, name: true } } } as const;

type CannedRow = { id: string; title: string; body: string; createdAt: Date; updatedAt: Date; team: { id: string; name: string } | null };

function cannedView(c: CannedRow): CannedView {
  return { id: c.id, title: c.title, body: c.body, team: c.team, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() };
}

/** Everyone's first, then by team name, each by title. */
const byTeamThenTitle = (a: CannedView, b: CannedView) =>
  (a.team ? 1 : 0) - (b.team ? 1 : 0) || (a.team?.name ?? '').localeCompare(b.team?.name ?? '') || a.title.localeCompare(b.title);

export function cannedRouter(deps: { db: Db }) {
  const router = express.Router();

  router.get('/api/canned-responses', async (req, res) => {
    const query = CannedListQuery.safeParse(req.query);
    if (!query.success) return invalid(res, query.error);
    const all = query.data.scope === 'all';
    const rows = await deps.db.cannedResponse.findMany({
      where: all ? {} : { OR: [{ teamId: null }, { team: { members: { some: { agentId: req.agent!.id } } } }] },
      include,
    });
    res.json({ cannedResponses: rows.map(cannedView).sort(byTeamThenTitle), placeholders: PLACEHOLDERS });
  });

  /** The body, checked; or a 400 already sent (bad fields, or a team that does not exist). */
  async function validBody(req: express.Request, res: express.Response) {
    const body = CannedBody.safeParse(req.body);
    if (!body.success) return void invalid(res, body.error);
    const teamId = body.data.teamId ?? null;
    if (teamId && !(await deps.db.team.findUnique({ where: { id: teamId }, select: { id: true } }))) {
      return void res.status(400).json({ error: 'invalid request', issues: [{ path: 'teamId', message: 'no team has that id' }] });
    }
    return { title: body.data.title, body: body.data.body, teamId };
  }

  router.post('/api/canned-responses', async (req, res) => {
    const data = await validBody(req, res);
    if (!data) return;
    const created = await deps.db.cannedResponse.create({ data: { ...data, createdById: req.agent!.id }, include });
    res.status(201).json({ cannedResponse: cannedView(created) });
  });

  // PUT replaces it: title, body and team (absent teamId: everyone's).
  router.put('/api/canned-responses/:id', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const data = await validBody(req, res);
    if (!data) return;
    const { count } = await deps.db.cannedResponse.updateMany({ where: { id: params.data.id }, data });
    if (!count) return void res.status(404).json({ error: 'canned response not found' });
    res.json({ cannedResponse: cannedView(await deps.db.cannedResponse.findUniqueOrThrow({ where: { id: params.data.id }, include })) });
  });

  router.delete('/api/canned-responses/:id', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const { count } = await deps.db.cannedResponse.deleteMany({ where: { id: params.data.id } });
    if (!count) return void res.status(404).json({ error: 'canned response not found' });
    res.status(204).end();
  });

  return router;
}
