// Running the desk: agents' accounts and routing settings (skills, capacity, teams), teams and their hours
// (admins and supervisors), and the supervisor's live overview of queues and agents.
import { passwordProblem } from './password-rules.ts';
import express from 'express';
import { z } from 'zod';
import type { ChannelKind as Channel } from '../../channels/contract.ts';
import { RegisteredChannel } from '../../channels/registry.ts';
import { TimeZone, checkOpeningHours } from '../../hub/hours.ts';
import { withoutBidiOverrides } from '../../channels/bidi.ts';
import { recordAudit } from '../../hub/audit.ts';
import type { Db } from '../../hub/db/client.ts';
import { fx, type EffectsRunner } from '../../hub/effects.ts';
import { Prisma } from '../../hub/generated/prisma/client.ts';
import { capacityOf } from '../../hub/routing/engine.ts';
import { hashPassword } from './auth.ts';
import { invalid } from './http.ts';
import type { TaxonomyEntry } from './conversation-needs.ts';
import { parseOpeningHours } from '../../hub/hours.ts';
import type { AgentRoutingView, SupervisorOverview } from './views.ts';

export type { AgentRoutingView, SupervisorOverview } from './views.ts';

const agentSelect = {
  id: true,
  displayName: true,
  email: true,
  role: true,
  presence: true,
  presenceAt: true,
  skills: true,
  capacity: true,
  teams: { select: { team: { select: { id: true, name: true } } } },
  disabledAt: true,
} as const;

const teamSelect = { id: true, name: true, needs: true, hours: true, timeZone: true } as const;

type AgentRow = Prisma.AgentGetPayload<{ select: typeof agentSelect }>;

function toView(a: AgentRow, load: Partial<Record<Channel, number>>, defaults: Readonly<Partial<Record<Channel, number>>>): AgentRoutingView {
  return {
    id: a.id,
    displayName: a.displayName,
    email: a.email,
    role: a.role,
    presence: a.presence,
    presenceAt: a.presenceAt.toISOString(),
    skills: a.skills,
    capacity: { ...defaults, ...capacityOf(a.capacity) },
    load,
    teams: a.teams.map((t) => t.team),
    disabled: a.disabledAt !== null,
  };
}

async function loads(db: Db, agentIds: string[]): Promise<Map<string, Partial<Record<Channel, number>>>> {
  const rows = await db.conversation.groupBy({
    by: ['assignedAgentId', 'channel'],
    where: { status: 'open', assignedAgentId: { in: agentIds } },
    _count: { _all: true },
  });
  const out = new Map<string, Partial<Record<Channel, number>>>(agentIds.map((id) => [id, {}]));
  for (const r of rows) out.get(r.assignedAgentId!)![r.channel] = r._count._all;
  return out;
}

export async function agentRoutingView(db: Db, agentId: string, defaults: Readonly<Partial<Record<Channel, number>>>): Promise<AgentRoutingView> {
  const row = await db.agent.findUniqueOrThrow({ where: { id: agentId }, select: agentSelect });
  return toView(row, (await loads(db, [agentId])).get(agentId)!, defaults);
}

/** Every need code and area in the taxonomy: what skills and team needs may name. */
function skillNames(taxonomy: readonly TaxonomyEntry[]): Set<string> {
  return new Set(taxonomy.flatMap((n) => [n.code, n.code.split('.')[0]!]));
}

const Capacity = z.partialRecord(RegisteredChannel, z.number().int().min(0).max(50));
export const IdParam = z.object({ id: z.uuid() });

/** The bodies of the account, routing and team routes: skills are checked against the needs taxonomy. */
export function agentBodies(taxonomy: readonly TaxonomyEntry[]) {
  const known = skillNames(taxonomy);
  const Skills = z
    .array(z.string().max(100))
    .max(100)
    .refine((skills) => skills.every((s) => known.has(s)), {
      message: 'each skill must be a need code or area from the needs taxonomy (e.g. "housing" or "housing.repairs")',
    });

  const AgentBody = z
    .object({
      // Messages in plain words, in the form's order: the admin screens show them as they are (not zod's "Too small: …").
      // Without direction overrides, which would reverse the name or what is shown after it (channels/bidi.ts).
      displayName: z
        .string()
        .trim()
        .min(1, 'write the person’s name')
        .max(120, 'the name is too long: 120 characters at most')
        .transform((v) => withoutBidiOverrides(v).trim())
        .refine(Boolean, 'write the person’s name'),
      email: z
        .email('write their email address, like name@council.gov.uk')
        .max(320, 'that email address is too long')
        .transform((e) => e.toLowerCase()),
      password: z.string().min(12, 'password must be at least 12 characters').max(1024),
      role: z.enum(['agent', 'supervisor', 'admin', 'service', 'strategy']).default('agent'),
      /** For a service-team account: the directory service whose hand-offs it works (until set, it sees none). */
      serviceId: z.uuid().optional(),
    })
    .refine((a) => a.role === 'service' || !a.serviceId, { message: 'only a service account belongs to a service', path: ['serviceId'] });
  const RoutingBody = z.object({ skills: Skills.optional(), capacity: Capacity.optional(), teamIds: z.array(z.uuid()).max(50).optional() });
  const TeamBody = z
    .object({
      name: z.string().trim().min(1, 'write the team’s name').max(120, 'the name is too long: 120 characters at most'),
      needs: Skills.default([]),
      hours: z.string().trim().max(200).nullable().default(null),
      timeZone: TimeZone.default('Europe/London'),
    })
    .superRefine((team, ctx) => {
      const problem = team.hours ? checkOpeningHours(team.hours) : null;
      if (problem) ctx.addIssue({ code: 'custom', path: ['hours'], message: problem });
    });
  return { AgentBody, RoutingBody, TeamBody };
}

export function agentsRouter(deps: {
  db: Db;
  effects: EffectsRunner;
  taxonomy: readonly TaxonomyEntry[];
  defaultCapacity: Readonly<Partial<Record<Channel, number>>>;
  publicBaseUrl: string;
  /** The desk's and the council's names: a password made of them is guessed first. */
  site: { name: string; council: string | null };
}) {
  const router = express.Router();
  const { AgentBody, RoutingBody, TeamBody } = agentBodies(deps.taxonomy);

  router.get('/api/agents', async (_req, res) => {
    const rows = await deps.db.agent.findMany({ select: agentSelect, orderBy: { displayName: 'asc' } });
    const load = await loads(
      deps.db,
      rows.map((r) => r.id),
    );
    res.json({ agents: rows.map((r) => toView(r, load.get(r.id)!, deps.defaultCapacity)) });
  });

  router.post('/api/agents', async (req, res) => {
    const body = AgentBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    const weak = passwordProblem(body.data.password, {
      publicBaseUrl: deps.publicBaseUrl,
      siteNames: [deps.site.name, deps.site.council],
      displayName: body.data.displayName,
      email: body.data.email,
    });
    if (weak) return void res.status(400).json({ error: 'invalid request', issues: [{ path: 'password', message: weak }] });
    if (body.data.serviceId && !(await deps.db.service.findUnique({ where: { id: body.data.serviceId }, select: { id: true } })))
      return void res.status(422).json({ error: 'no such service' });
    try {
      const passwordHash = await hashPassword(body.data.password);
      const created = await deps.db.$transaction(async (tx) => {
        const agent = await tx.agent.create({
          data: { email: body.data.email, displayName: body.data.displayName, role: body.data.role, serviceId: body.data.serviceId ?? null, passwordHash },
          select: { id: true },
        });
        await recordAudit(tx, { action: 'agent_create', agentId: req.agent!.id, detail: { agent: agent.id, role: body.data.role } });
        return agent;
      });
      res.status(201).json({ agent: await agentRoutingView(deps.db, created.id, deps.defaultCapacity) });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
        return void res.status(409).json({ error: 'an account with that email exists' });
      throw error;
    }
  });

  router.put('/api/agents/:id/routing', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const body = RoutingBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    const { skills, capacity, teamIds } = body.data;
    if (!(await deps.db.agent.findUnique({ where: { id: params.data.id }, select: { id: true } })))
      return void res.status(404).json({ error: 'no such agent' });
    if (teamIds && (await deps.db.team.count({ where: { id: { in: teamIds } } })) !== new Set(teamIds).size)
      return void res.status(400).json({ error: 'one of teamIds is not a team' });
    await deps.db.$transaction(async (tx) => {
      await tx.agent.update({ where: { id: params.data.id }, data: { ...(skills ? { skills } : {}), ...(capacity ? { capacity } : {}) } });
      if (teamIds) {
        await tx.teamMember.deleteMany({ where: { agentId: params.data.id } });
        await tx.teamMember.createMany({ data: [...new Set(teamIds)].map((teamId) => ({ teamId, agentId: params.data.id })) });
      }
      await recordAudit(tx, { action: 'agent_routing_update', agentId: req.agent!.id, detail: { agent: params.data.id, fields: Object.keys(body.data) } });
    });
    await deps.effects.run([fx.publish({ type: 'agent.updated', agentId: params.data.id }), fx.route()]);
    res.json({ agent: await agentRoutingView(deps.db, params.data.id, deps.defaultCapacity) });
  });

  router.get('/api/teams', async (_req, res) => {
    res.json({ teams: await deps.db.team.findMany({ orderBy: { name: 'asc' }, select: teamSelect }) });
  });

  router.post('/api/teams', async (req, res) => {
    const body = TeamBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    try {
      const team = await deps.db.$transaction(async (tx) => {
        const made = await tx.team.create({ data: body.data, select: teamSelect });
        await recordAudit(tx, { action: 'team_create', agentId: req.agent!.id, detail: { team: made.id } });
        return made;
      });
      res.status(201).json({ team });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
        return void res.status(409).json({ error: 'a team with that name exists' });
      throw error;
    }
  });

  router.put('/api/teams/:id', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const body = TeamBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    const updated = await deps.db
      .$transaction(async (tx) => {
        const done = await tx.team.updateMany({ where: { id: params.data.id }, data: body.data });
        if (done.count) await recordAudit(tx, { action: 'team_update', agentId: req.agent!.id, detail: { team: params.data.id } });
        return done.count;
      })
      .catch((error: unknown) => {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return 'taken' as const;
        throw error;
      });
    if (updated === 'taken') return void res.status(409).json({ error: 'a team with that name exists' });
    if (!updated) return void res.status(404).json({ error: 'no such team' });
    // New hours may open or close it: supervisors' overview says so.
    await deps.effects.run([fx.queueChanged()]);
    res.json({ team: await deps.db.team.findUnique({ where: { id: params.data.id }, select: teamSelect }) });
  });

  router.get('/api/supervisor/overview', async (_req, res) => {
    res.json(await supervisorOverview(deps.db, deps.defaultCapacity));
  });

  return router;
}

/** Read in the database by team: the overview is rebuilt on every change in the queue, however long it is. */
export async function supervisorOverview(db: Db, defaults: Readonly<Partial<Record<Channel, number>>>, now = new Date()): Promise<SupervisorOverview> {
  const waiting = { status: 'open', assignedAgentId: null, waitingSince: { not: null } } as const;
  const urgent = { OR: [{ urgentAt: { not: null } }, { needs: { some: { urgent: true } } }] };
  const [teams, byTeam, urgentByTeam, agentRows, urgentWaiting] = await Promise.all([
    db.team.findMany({ select: { id: true, name: true, hours: true, timeZone: true }, orderBy: { name: 'asc' } }),
    db.conversation.groupBy({ by: ['teamId'], where: waiting, _count: { _all: true }, _min: { waitingSince: true } }),
    db.conversation.groupBy({ by: ['teamId'], where: { ...waiting, ...urgent }, _count: { _all: true } }),
    db.agent.findMany({ where: { role: { notIn: ['service', 'strategy'] }, disabledAt: null }, select: agentSelect, orderBy: { displayName: 'asc' } }),
    db.conversation.findMany({
      where: { ...waiting, ...urgent },
      select: {
        id: true,
        channel: true,
        waitingSince: true,
        teamId: true,
        customer: { select: { id: true, displayName: true, postcode: true, contactPoints: { select: { kind: true, address: true } } } },
      },
      orderBy: { waitingSince: 'asc' },
      take: 100,
    }),
  ]);
  // Routing offers a conversation only to an available agent in its team (any agent, for none): hub/routing/plan.ts.
  const available = agentRows.filter((a) => a.presence === 'available');
  const queues = [{ id: null as string | null, name: 'Any agent', hours: null as string | null, timeZone: 'UTC' }, ...teams].map((team) => {
    const counts = byTeam.find((row) => row.teamId === team.id);
    const hours = team.hours ? readHours(team.hours, team.timeZone) : null;
    return {
      teamId: team.id,
      name: team.name,
      waiting: counts?._count._all ?? 0,
      urgent: urgentByTeam.find((row) => row.teamId === team.id)?._count._all ?? 0,
      longestWaitSince: counts?._min.waitingSince?.toISOString() ?? null,
      open: hours?.isOpen(now) ?? true,
      hours: hours?.spoken ?? null,
      available: available.filter((a) => team.id === null || a.teams.some((t) => t.team.id === team.id)).map((a) => ({ id: a.id, displayName: a.displayName })),
    };
  });
  const unattended = urgentWaiting.flatMap((c) => {
    const queue = queues.find((q) => q.teamId === c.teamId);
    // Someone available in the team is offered it, opening hours or not (hub/routing/plan.ts): not unattended.
    if (!queue || queue.available.length) return [];
    return [
      {
        conversationId: c.id,
        customer: c.customer,
        channel: c.channel,
        waitingSince: c.waitingSince!.toISOString(),
        team: { id: queue.teamId, name: queue.name },
        reason: queue.open ? ('nobody_available' as const) : ('team_closed' as const),
      },
    ];
  });
  const load = await loads(
    db,
    agentRows.map((a) => a.id),
  );
  return { queues, agents: agentRows.map((a) => toView(a, load.get(a.id)!, defaults)), unattended };
}

/** A team's hours as the hub reads them; hours it cannot read (checked when saved, so never expected) count as none. */
function readHours(spec: string, timeZone: string) {
  try {
    return parseOpeningHours(spec, timeZone);
  } catch {
    return null;
  }
}
