// GET /api/openapi.json: the HTTP API, generated through a registry (@asteasolutions/zod-to-openapi) from the
// same zod schemas that check each route's path parameters, query and body (and its answer, where the route
// has a schema for it), so the document cannot drift from the code. Each route is registered here, in one
// readable list, rather than beside its handler, so route files only export their schemas.
// tests/integration/openapi.test.ts holds this list to the routes the running app mounts, both ways.
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import * as account from './account.ts';
import * as agents from './agents.ts';
import * as api from './api.ts';
import * as attachments from './attachments.ts';
import * as auditLog from './audit-log.ts';
import * as calls from './calls.ts';
import * as canned from './canned.ts';
import * as contacts from './contacts.ts';
import * as conversationNeeds from './conversation-needs.ts';
import * as customers from './customers.ts';
import * as handoffs from './handoffs.ts';
import * as needs from './needs.ts';
import * as notes from './notes.ts';
import * as plans from './plans.ts';
import * as evidence from './evidence.ts';
import * as sharedViews from '../shared/views.ts';
import * as routing from './routing.ts';
import * as signInLocks from './sign-in-locks.ts';
import { ConversationDetail, ConversationSummary, MessageView, NeedView, NoteView } from './views.ts';
import { ConversationPage, MyRoutingView } from '../shared/views.ts';
import { CallbackBody } from '../../hub/handoff/callback.ts';
import { IncomingActivity } from '../../channels/botframework/normalise.ts';
import * as messaging from '../../channels/twilio/normalise.ts';
import * as voice from '../../channels/voice/normalise.ts';

const registry = new OpenAPIRegistry();
registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'ch_session' });
const ErrorBody = registry.registerComponent('schemas', 'Error', { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] }).ref;

type Responses = RouteConfig['responses'];
const json = (schema: z.ZodType | typeof ErrorBody) => ({ 'application/json': { schema } });
const body = (schema: z.ZodType) => ({ required: true, content: json(schema) });
const error = (description = 'Error') => ({ description, content: json(ErrorBody) });
const unauthorised = error('Not signed in');
const forbidden = error('Role not allowed');
const TwilioSignature = z.object({ 'X-Twilio-Signature': z.string().describe("Twilio's HMAC-SHA1 of PUBLIC_BASE_URL + path + sorted form fields") });
/**
 * A Twilio webhook: signed, a form, answered as the responses say. Its fields are those the channel checks
 * (Twilio sends more); a webhook that checks none takes any fields.
 */
const twilio = (summary: string, fields: z.ZodType | null, responses: Responses): Omit<RouteConfig, 'method' | 'path'> => ({
  summary,
  security: [],
  request: {
    headers: TwilioSignature,
    body: {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: fields ?? { type: 'object', additionalProperties: { type: 'string' } } } },
    },
  },
  responses,
});
const CallbackParams = z.object({ reference: z.string() });
const CallbackHeaders = z.object({
  'X-ContactHub-Timestamp': z.string(),
  'X-ContactHub-Signature': z.string().describe('v1= hex HMAC-SHA256 of "<timestamp>.<raw body>" with the service\'s webhook secret'),
  'X-ContactHub-Delivery': z.string().describe('Unique per request; a retry with the same id counts once'),
});
const SlackHeaders = z.object({ 'X-Slack-Signature': z.string(), 'X-Slack-Request-Timestamp': z.string() });
// Built from an empty taxonomy: the skills a body may name are the running hub's taxonomy's, checked at run time.
const agentBodies = agents.agentBodies([]);

type Method = RouteConfig['method'];
/** Registers one route, named as in policy.ts ("POST /api/agents/{id}/disable"). */
function route(key: `${Uppercase<Method>} /${string}`, config: Omit<RouteConfig, 'method' | 'path'>) {
  const [method, path] = key.split(' ') as [Uppercase<Method>, string];
  registry.registerPath({ method: method.toLowerCase() as Method, path, ...config });
}

route('GET /health', {
  summary: 'Database and Redis state, and how many inbound contacts wait in the journal (kept on disk while the database could not take them)',
  security: [],
  responses: { '200': { description: 'All up' }, '503': { description: 'Something is down' } },
});
route('GET /api/openapi.json', { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } });
route('GET /', { summary: 'The agent desk: redirects to /desk/', security: [], responses: { '302': { description: 'To /desk/' } } });
route('POST /api/auth/login', {
  summary: 'Sign in; sets an httpOnly session cookie',
  security: [],
  request: { body: body(api.LoginBody) },
  responses: {
    '200': { description: 'Signed in' },
    '400': error(),
    '401': error('Wrong email or password'),
    '403': error('Right password, but an admin has disabled the account'),
    '429': {
      ...error(
        'Too many failed sign-ins: this account from this address is locked (LOGIN_MAX_FAILURES in a row, for LOGIN_LOCK_MINUTES), this address is locked (LOGIN_MAX_FAILURES_PER_IP_PER_DAY across accounts, for a day), or this account is being guessed from many addresses and must wait a few seconds (past LOGIN_MAX_FAILURES_PER_ACCOUNT: 1 s, doubling, up to LOGIN_ACCOUNT_DELAY_MAX_SECONDS; never at an address it signed in from before). The password is not checked, and the answer is the same whether or not the account exists.',
      ),
      headers: { 'Retry-After': { description: 'Seconds until a sign-in may be tried again', schema: { type: 'integer', minimum: 1 } } },
    },
  },
});
route('POST /api/auth/logout', {
  summary: 'Sign out: ends this session and closes its desks (every account)',
  responses: { '204': { description: 'Signed out' }, '401': unauthorised },
});
route('POST /api/auth/password', {
  summary: 'Change my password (every account): needs the current one; ends my other sessions and closes their desks, keeps this one',
  request: { body: body(account.PasswordChangeBody) },
  responses: {
    '200': { description: 'Changed', content: json(z.object({ otherSessionsEnded: z.number().int() })) },
    '400': error('The current password is not right, or the new one breaks the rule (12 to 1024 characters, not the current one)'),
    '401': unauthorised,
    '429': { ...error('Too many wrong current passwords: limited like sign-in'), headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 } } } },
  },
});
route('POST /api/auth/sign-out-everywhere', {
  summary: 'Sign out everywhere (every account): ends all my sessions, this one too, and closes all my desks',
  responses: { '204': { description: 'Signed out everywhere' }, '401': unauthorised },
});
route('POST /api/agents/{id}/disable', {
  summary:
    'Disable an account (admins): it cannot sign in, its sessions end and its desks close at once, on every hub process; it is set offline. Not your own.',
  request: { params: account.IdParam },
  responses: {
    '200': { description: 'Disabled: the agent, and how many sessions ended' },
    '401': unauthorised,
    '403': forbidden,
    '404': error(),
    '409': error('Your own account'),
  },
});
route('POST /api/agents/{id}/sign-out', {
  summary: 'End every session of an account (admins), closing its desks at once; it may sign in again',
  request: { params: account.IdParam },
  responses: { '200': { description: 'How many sessions ended' }, '401': unauthorised, '403': forbidden, '404': error() },
});
route('POST /api/admin/sign-out-everyone', {
  summary: 'End every session but your own (admins), closing those desks at once on every hub process',
  responses: { '200': { description: 'How many sessions ended' }, '401': unauthorised, '403': forbidden },
});
route('POST /api/agents/{id}/enable', {
  summary: 'Enable a disabled account again (admins)',
  request: { params: account.IdParam },
  responses: { '200': { description: 'Enabled: the agent' }, '401': unauthorised, '403': forbidden, '404': error() },
});
route('POST /api/agents/{id}/password', {
  summary:
    'Set another account’s password (admins; a forgotten one): the rules of any new password; every session of the account ends and its desks close at once (audited). Not your own.',
  request: { params: account.IdParam, body: body(account.PasswordResetBody) },
  responses: {
    '200': { description: 'Set: how many sessions ended', content: json(z.object({ sessionsEnded: z.number().int() })) },
    '400': error('The password breaks a rule (length, a common password, only the council’s, this system’s or the person’s own words): issues say which'),
    '401': unauthorised,
    '403': forbidden,
    '404': error(),
    '409': error('Your own account: change it under Your account'),
  },
});
route('GET /api/evidence', {
  summary: 'The evidence view (managers and strategy): its tables, the postcode districts it can show on their own, and the default range',
  responses: { '200': { description: 'Tables and filters', content: json(sharedViews.EvidenceIndexView) }, '401': unauthorised, '403': forbidden },
});
route('GET /api/evidence/{table}', {
  summary:
    'One table of evidence over a date range (from and to inclusive; the last twelve months by default), for every area or one postcode district: counts and averages only, a row or cell with fewer than five held back. format=csv downloads it',
  request: { params: evidence.EvidenceTableParam, query: evidence.EvidenceQuerySchema },
  responses: {
    '200': {
      description: 'The table',
      content: { 'application/json': { schema: sharedViews.EvidenceTableView }, 'text/csv': { schema: z.string() } },
    },
    '400': error(),
    '401': unauthorised,
    '403': forbidden,
  },
});
route('GET /api/admin/audit', {
  summary:
    'The audit log (admins): who did what and when, newest first, filtered by action, agent, customer and time; a page at a time (before=the last page’s next)',
  request: { query: auditLog.AuditQuery },
  responses: { '200': { description: 'A page of events', content: json(auditLog.AuditPage) }, '400': error(), '401': unauthorised, '403': forbidden },
});
route('GET /api/admin/sign-in-locks', {
  summary: 'Sign-in locks and slow-downs in force, with the account, address, until when and why (admins)',
  responses: {
    '200': { description: 'Locks', content: json(z.object({ locks: z.array(signInLocks.SignInLockView) })) },
    '401': unauthorised,
    '403': forbidden,
  },
});
route('DELETE /api/admin/sign-in-locks/{id}', {
  summary: 'Lift a sign-in lock now and forget its count (admins; audited)',
  request: { params: signInLocks.IdParam },
  responses: {
    '204': { description: 'Lifted' },
    '401': unauthorised,
    '403': forbidden,
    '404': error('No such lock (it may have ended)'),
    '503': error('Redis did not answer'),
  },
});
route('GET /api/site', {
  summary:
    'The names the desk shows on every page, sign-in included: its own (HUB_NAME) and the council’s (COUNCIL_NAME), and each channel’s name and icon as its module declares them',
  responses: { '200': { description: 'Names', content: json(api.SitePublicView) } },
});
route('GET /api/auth/me', { summary: 'The signed-in agent', responses: { '200': { description: 'Agent' }, '401': unauthorised } });
route('GET /api/conversations', {
  summary: 'One page of conversations, most recent first (closed ones: the most recently closed first); `next` asks for the page after it',
  request: { query: api.ListQuery },
  responses: {
    '200': {
      description: 'List',
      content: json(ConversationPage),
    },
    '400': error(),
    '401': unauthorised,
  },
});
route('GET /api/conversations/counts', {
  summary: 'How many open conversations the desk’s tabs hold for the signed-in agent: theirs, waiting for a person, all they may see',
  responses: { '200': { description: 'Counts', content: json(z.object({ counts: api.ConversationCounts })) }, '401': unauthorised },
});
route('PUT /api/conversations/{id}/read', {
  summary:
    'The signed-in agent opened the conversation: what the customer wrote until now is read for them (lists give readAt; lastInbound newer than it is unread)',
  request: { params: api.IdParam },
  responses: { '200': { description: 'Read', content: json(z.object({ read: api.ReadView })) }, '400': error(), '401': unauthorised, '404': error() },
});
route('GET /api/conversations/{id}', {
  summary: 'One conversation with all its messages',
  request: { params: api.IdParam },
  responses: { '200': { description: 'Conversation', content: json(z.object({ conversation: ConversationDetail })) }, '401': unauthorised, '404': error() },
});
route('POST /api/conversations/{id}/messages', {
  summary: "Reply to the customer on the conversation's channel (queued, then sent)",
  request: { params: api.IdParam, body: body(api.ReplyBody) },
  responses: {
    '202': { description: 'Queued for sending', content: json(z.object({ message: MessageView })) },
    '400': error(),
    '401': unauthorised,
    '404': error(),
    '409': error('The channel is not switched on'),
    '422': error('No address to reply to on that channel'),
  },
});
route('POST /api/needs/detect', {
  summary: 'Suggest taxonomy needs for a text (an email, a note), each with a confidence, and whether it shows immediate danger; the text is not stored',
  request: { body: body(needs.DetectBody) },
  responses: {
    '200': { description: 'Needs found, most confident first', content: json(needs.DetectionView) },
    '400': error(),
    '401': unauthorised,
    '413': error('Request body over 32 kB'),
  },
});
route('GET /api/contacts/options', {
  summary: 'What contact not started on a channel this hub offers: recording one in person, and which addresses an agent can write first to',
  responses: { '200': { description: 'Options', content: json(contacts.ContactOptions) }, '401': unauthorised },
});
route('POST /api/contacts/in-person', {
  summary:
    'Record a contact in person (a walk-in, the reception desk): the person found on record or added, their story in their words, on their open conversation (started and kept by the agent if none); answers with the needs and danger seen in it, to confirm with them',
  request: { body: body(contacts.InPersonBody) },
  responses: {
    '201': { description: 'Recorded (the same requestId again answers with the same contact)', content: json(contacts.InPersonResult) },
    '400': error('Invalid body, or a phone number or email address that is not one'),
    '401': unauthorised,
    '404': error('No such customer'),
    '409': error('The new person’s phone number or email address is already on a customer’s record, or contact in person is switched off'),
    '410': error('The customer was merged into another, or erased'),
  },
});
route('POST /api/contacts/outbound', {
  summary:
    'Write first to a customer on record, at their phone number (by text message) or email address on the record: on their open conversation, or a new one the agent keeps',
  request: { body: body(contacts.OutboundBody) },
  responses: {
    '201': { description: 'Queued to send', content: json(z.object({ conversationId: z.uuid(), messageId: z.uuid() })) },
    '400': error('Invalid body, or the customer has no address that channel reaches'),
    '401': unauthorised,
    '404': error('No such customer'),
    '409': error('Another agent is handling the customer’s open conversation, or the channel is not switched on'),
    '410': error('The customer was merged into another, or erased'),
  },
});
route('GET /api/calls', {
  summary: 'Calls waiting for a person or in progress, longest waiting first, with what each caller has said',
  responses: { '200': { description: 'Calls', content: json(z.object({ calls: z.array(calls.CallView) })) }, '401': unauthorised },
});
route('POST /api/calls/{id}/take', {
  summary: 'Take a waiting call: it is put through to the phone number or client set for the signed-in agent',
  request: { params: calls.IdParam },
  responses: {
    '200': { description: 'Taken; the agent’s phone is ringing', content: json(z.object({ call: calls.CallView })) },
    '401': unauthorised,
    '404': error(),
    '409': error('Taken by someone else, caller gone, no number set, or phone calls are off'),
    '410': error('The caller has hung up'),
    '502': error('Twilio could not be reached; the call is still waiting'),
  },
});
route('GET /api/conversations/{id}/calls', {
  summary: 'The calls in a conversation with their events (queued, taken, ringing, answered, ended)',
  request: { params: calls.IdParam },
  responses: { '200': { description: 'Calls', content: json(z.object({ calls: z.array(calls.CallView) })) }, '401': unauthorised },
});
route('GET /api/agents/me/voice', {
  summary: 'Where calls the signed-in agent takes are put through to',
  responses: { '200': { description: 'phone and client' }, '401': unauthorised },
});
route('PUT /api/agents/me/voice', {
  summary: 'Set the phone number (any format; stored as E.164) or Twilio Client identity calls are put through to',
  request: { body: body(calls.VoiceTargetBody) },
  responses: { '200': { description: 'Saved' }, '400': error(), '401': unauthorised },
});
route('GET /api/needs/taxonomy', {
  summary: 'The needs taxonomy: the codes agents can record, with labels',
  responses: { '200': { description: 'Needs' }, '401': unauthorised },
});
route('POST /api/conversations/{id}/needs', {
  summary: 'Record a need on the conversation as the signed-in agent (audited; already recorded: unchanged)',
  request: { params: conversationNeeds.IdParam, body: body(conversationNeeds.AddNeedBody) },
  responses: {
    '201': { description: 'Added', content: json(z.object({ needs: z.array(NeedView) })) },
    '200': { description: 'Already recorded' },
    '400': error(),
    '401': unauthorised,
    '404': error(),
  },
});
route('DELETE /api/conversations/{id}/needs/{code}', {
  summary: 'Remove a need from the conversation (audited)',
  // The code is any string: one not recorded on the conversation is answered 404.
  request: { params: conversationNeeds.IdParam.extend({ code: z.string() }) },
  responses: { '200': { description: 'Removed', content: json(z.object({ needs: z.array(NeedView) })) }, '401': unauthorised, '404': error() },
});
route('GET /api/conversations/{id}/needs/suggestions', {
  summary: 'Needs detected in what the customer wrote that are not recorded yet (nothing is stored)',
  request: { params: conversationNeeds.IdParam },
  responses: { '200': { description: 'Suggestions' }, '401': unauthorised, '404': error() },
});

// Private notes and canned responses.
route('GET /api/conversations/{id}/notes', {
  summary: 'Private notes on the conversation, oldest first, each with its author (for colleagues; never sent to the customer)',
  request: { params: notes.IdParam },
  responses: { '200': { description: 'Notes', content: json(z.object({ notes: z.array(NoteView) })) }, '400': error(), '401': unauthorised, '404': error() },
});
route('POST /api/conversations/{id}/notes', {
  summary:
    'Add a private note as the signed-in agent: stored apart from messages, never sent to the customer; other desks get conversation.updated (audited, without its text)',
  request: { params: notes.IdParam, body: body(notes.NoteBody) },
  responses: { '201': { description: 'Added', content: json(z.object({ note: NoteView })) }, '400': error(), '401': unauthorised, '404': error() },
});
route('GET /api/canned-responses', {
  summary: `Canned responses: everyone's and the signed-in agent's teams' (scope=all: every team's, supervisor or admin). Placeholders the desk fills in on insert: ${Object.keys(
    canned.PLACEHOLDERS,
  )
    .map((p) => `{${p}}`)
    .join(', ')}`,
  request: { query: canned.CannedListQuery },
  responses: {
    '200': {
      description: 'Canned responses (everyone’s first, then by team and title) and the placeholders a body may use',
      content: json(z.object({ cannedResponses: z.array(canned.CannedView), placeholders: z.record(z.string(), z.string()) })),
    },
    '400': error(),
    '401': unauthorised,
    '403': error('scope=all needs a supervisor or admin'),
  },
});
route('POST /api/canned-responses', {
  summary: 'Save a canned response for everyone (no teamId) or one team (supervisor or admin); a body with an unknown {placeholder} is refused',
  request: { body: body(canned.CannedBody) },
  responses: {
    '201': { description: 'Saved', content: json(z.object({ cannedResponse: canned.CannedView })) },
    '400': error(),
    '401': unauthorised,
    '403': forbidden,
  },
});
route('PUT /api/canned-responses/{id}', {
  summary: 'Replace a canned response: title, body and team (no teamId: everyone’s) (supervisor or admin)',
  request: { params: canned.IdParam, body: body(canned.CannedBody) },
  responses: {
    '200': { description: 'Saved', content: json(z.object({ cannedResponse: canned.CannedView })) },
    '400': error(),
    '401': unauthorised,
    '403': forbidden,
    '404': error(),
  },
});
route('DELETE /api/canned-responses/{id}', {
  summary: 'Delete a canned response (supervisor or admin)',
  request: { params: canned.IdParam },
  responses: { '204': { description: 'Deleted' }, '401': unauthorised, '403': forbidden, '404': error() },
});

// Routing: presence, offers, handing on and closing; teams, agents' routing settings, the supervisor's overview.
route('GET /api/agents/me/routing', {
  summary:
    'My presence, skills, capacity, load and teams, the offers pending for me, and takesCalls: whether phone calls can be put through to me (a channel that speaks is on and my capacity for it is above 0)',
  responses: { '200': { description: 'Agent and offers', content: json(MyRoutingView) }, '401': unauthorised, '403': forbidden },
});
route('PUT /api/agents/me/presence', {
  summary: 'Set my presence; leaving available gives my pending offers to others at once',
  request: { body: body(routing.PresenceBody) },
  responses: { '200': { description: 'Agent' }, '400': error(), '401': unauthorised, '403': forbidden },
});
route('GET /api/agents/directory', {
  summary: 'Agents a conversation can be transferred to (names, presence, teams)',
  responses: { '200': { description: 'Agents' }, '401': unauthorised, '403': forbidden },
});
route('POST /api/offers/{id}/accept', {
  summary: 'Accept an offer: the conversation becomes mine (one agent only, however many accept at once)',
  request: { params: routing.IdParam },
  responses: {
    '200': { description: 'Accepted' },
    '401': unauthorised,
    '403': forbidden,
    '404': error('Not an offer to me'),
    '410': error('Too late: it ran out, was withdrawn or answered'),
  },
});
route('POST /api/offers/{id}/decline', {
  summary: 'Decline an offer: it goes to the next agent now, and is not offered to me again in this wait',
  request: { params: routing.IdParam },
  responses: { '200': { description: 'Declined' }, '401': unauthorised, '403': forbidden, '404': error(), '410': error() },
});
route('POST /api/conversations/{id}/transfer', {
  summary: 'Transfer to an agent (theirs at once) or a team (it waits for its members), with a note kept on the conversation',
  request: { params: routing.IdParam, body: body(routing.TransferBody) },
  responses: {
    '200': { description: 'Transferred', content: json(z.object({ conversation: ConversationSummary })) },
    '400': error(),
    '401': unauthorised,
    '403': error('Another agent has it'),
    '404': error(),
    '409': error('Closed'),
  },
});
route('POST /api/conversations/{id}/close', {
  summary:
    'Close with an outcome and the needs met; the agent’s capacity is offered again at once. handed_off only when the conversation has a hand-off. A customer on a channel that shows one chat (web chat) is told it has ended',
  request: { params: routing.IdParam, body: body(routing.CloseBody) },
  responses: {
    '200': { description: 'Closed', content: json(z.object({ conversation: ConversationSummary })) },
    '400': error(),
    '401': unauthorised,
    '403': error('Another agent has it'),
    '404': error(),
    '409': error('Closed already'),
  },
});
route('POST /api/conversations/{id}/reopen', {
  summary: 'Reopen a closed conversation: it is open again and assigned to me (audited)',
  request: { params: routing.IdParam },
  responses: {
    '200': { description: 'Reopened', content: json(z.object({ conversation: ConversationSummary })) },
    '400': error(),
    '401': unauthorised,
    '403': forbidden,
    '404': error(),
    '409': error('Open already, or the customer has another open conversation'),
  },
});
route('POST /api/conversations/{id}/take', {
  summary: 'Assign to me: take an open conversation nobody has (waiting, or with the bot) without waiting for an offer; offers of it are withdrawn (audited)',
  request: { params: routing.IdParam },
  responses: {
    '200': { description: 'Mine now', content: json(z.object({ conversation: ConversationSummary })) },
    '400': error(),
    '401': unauthorised,
    '403': error('Another agent has it'),
    '404': error(),
    '409': error('Closed, someone has it, or a caller waits on the line (take the call instead)'),
  },
});
route('GET /api/agents', {
  summary: 'Agents with presence, skills, capacity, load and teams (supervisors, admins)',
  responses: { '200': { description: 'Agents' }, '401': unauthorised, '403': forbidden },
});
route('POST /api/agents', {
  summary: 'Create an account (admins; audited)',
  request: { body: body(agentBodies.AgentBody) },
  responses: { '201': { description: 'Created' }, '400': error(), '401': unauthorised, '403': forbidden, '409': error('Email taken') },
});
route('PUT /api/agents/{id}/routing', {
  summary: 'Set an agent’s skills (need codes or areas; none: any need), capacity per channel (0: not offered that channel) and teams (supervisors, admins)',
  request: { params: agents.IdParam, body: body(agentBodies.RoutingBody) },
  responses: { '200': { description: 'Agent' }, '400': error(), '401': unauthorised, '403': forbidden, '404': error() },
});
route('GET /api/teams', {
  summary: 'Teams: the needs each answers and its opening hours',
  responses: { '200': { description: 'Teams' }, '401': unauthorised },
});
route('POST /api/teams', {
  summary: 'Create a team (supervisors, admins; audited); hours like "Mo-Fr 09:00-17:00"',
  request: { body: body(agentBodies.TeamBody) },
  responses: { '201': { description: 'Created' }, '400': error(), '401': unauthorised, '403': forbidden, '409': error() },
});
route('PUT /api/teams/{id}', {
  summary: 'Change a team (supervisors, admins; audited)',
  request: { params: agents.IdParam, body: body(agentBodies.TeamBody) },
  responses: { '200': { description: 'Team' }, '400': error(), '401': unauthorised, '403': forbidden, '404': error(), '409': error('Name taken') },
});
route('GET /api/supervisor/overview', {
  summary: 'Waiting conversations by team (count, urgent, longest wait) and agents’ presence and load; pushed live as supervisor.overview on /desk',
  responses: { '200': { description: 'Overview' }, '401': unauthorised, '403': forbidden },
});

// Customers.
route('GET /api/customers', {
  summary: 'Find customers by phone (any format), email, UK postcode or part of a name (audited)',
  request: { query: customers.SearchQuery },
  responses: {
    '200': { description: 'Matches', content: json(z.object({ customers: z.array(customers.CustomerMatchView) })) },
    '400': error(),
    '401': unauthorised,
  },
});
route('GET /api/customers/{id}', {
  summary: 'Customer 360: the person, contact points, every conversation and message across channels, needs (audited)',
  request: { params: customers.IdParam, query: customers.TimelineQuery },
  responses: {
    '200': { description: 'Customer', content: json(z.object({ customer: customers.Customer360 })) },
    '400': error(),
    '401': unauthorised,
    '404': error(),
  },
});
route('PATCH /api/customers/{id}', {
  summary: 'Update the profile (name, postcode, language, preferred channel, accessibility needs; audited)',
  request: { params: customers.IdParam, body: body(customers.ProfilePatch) },
  responses: {
    '200': { description: 'Updated customer', content: json(z.object({ customer: customers.Customer360 })) },
    '400': error(),
    '401': unauthorised,
    '404': error(),
    '409': error('Erased'),
  },
});
route('POST /api/customers/{id}/contact-points', {
  summary: 'Link a phone number or email address after checking identity, with the reason (audited)',
  request: { params: customers.IdParam, body: body(customers.LinkBody) },
  responses: {
    '201': { description: 'Linked' },
    '200': { description: 'Already linked to this customer' },
    '400': error(),
    '401': unauthorised,
    '404': error(),
    '409': error('The address belongs to another customer (otherCustomerId), or this customer was erased'),
  },
});
route('POST /api/customers/{id}/merge', {
  summary: 'Merge another record of the same person (absorbId) into this one: contact points, conversations and needs move; audited; can be undone',
  request: { params: customers.IdParam, body: body(customers.MergeBody) },
  responses: {
    '201': { description: 'Merged (mergeId, surviving customer)' },
    '400': error(),
    '401': unauthorised,
    '404': error(),
    '409': error('Same record, already merged, or erased'),
  },
});
route('GET /api/customers/{id}/match-suggestions', {
  summary: 'Open suggestions that another record may be the same person (same name, or name and postcode); confirm by merging, or dismiss',
  request: { params: customers.IdParam },
  responses: { '200': { description: 'Suggestions with the other customer' }, '401': unauthorised },
});
route('POST /api/match-suggestions/{id}/dismiss', {
  summary: 'Not the same person: the suggestion is not shown again',
  request: { params: customers.SuggestionIdParam },
  responses: { '204': { description: 'Dismissed' }, '401': unauthorised, '404': error() },
});
route('POST /api/merges/{id}/undo', {
  summary: 'Undo a merge: exactly what moved goes back; audited',
  request: { params: customers.MergeIdParam, body: body(customers.UndoMergeBody) },
  responses: {
    '200': { description: 'Undone (survivorId, absorbedId)' },
    '400': error(),
    '401': unauthorised,
    '404': error(),
    '409': error('Already undone, or the survivor was merged again since'),
  },
});
route('GET /api/attachments/{id}', {
  summary: 'Download a file that came with an email (as an attachment, never shown inline; audited)',
  request: { params: attachments.IdParam },
  responses: { '200': { description: 'The file, with its type, Content-Disposition: attachment and nosniff' }, '401': unauthorised, '404': error() },
});
route('GET /api/messages/{id}/html', {
  summary: "An email's sanitised HTML, served under a sandboxing Content-Security-Policy (show it in an iframe)",
  request: { params: attachments.IdParam },
  responses: { '200': { description: 'HTML document' }, '401': unauthorised, '404': error() },
});

// The customer's own plan: on the desk, and the page its link opens.
route('GET /api/plans/{id}', {
  summary: 'What the customer added to their plan themself, and whether a link to it works now',
  request: { params: plans.IdParam },
  responses: {
    '200': { description: 'Plan', content: json(z.object({ plan: plans.CustomerPlanDeskView })) },
    '400': error(),
    '401': unauthorised,
    '403': forbidden,
    '404': error(),
  },
});
route('POST /api/plans/{id}/links', {
  summary: 'Send the customer a new link to their plan, on a channel that reaches them (older links keep working until they expire)',
  request: { params: plans.IdParam },
  responses: {
    '201': { description: 'Sent', content: json(plans.SentLinkView) },
    '400': error(),
    '401': unauthorised,
    '403': forbidden,
    '404': error(),
    '409': error('Nothing reaches the customer'),
    '410': error('The customer’s data was erased'),
  },
});
route('DELETE /api/plans/{id}/links', {
  summary: 'Stop every link to the plan working at once',
  request: { params: plans.IdParam },
  responses: { '200': { description: 'Stopped', content: json(plans.RevokedView) }, '400': error(), '401': unauthorised, '403': forbidden, '404': error() },
});
const PlanToken = z.object({ token: z.string().describe('The token from the link (43 characters); only its SHA-256 is stored') });
const planPage = { 'text/html': { schema: { type: 'string' as const } } };
const stoppedLink = { description: 'Unknown, expired or stopped link: the same page for all three', content: planPage };
const planForm = (fields: z.ZodType) => ({ required: true, content: { 'application/x-www-form-urlencoded': { schema: fields } } });
const planChange = (summary: string, params: z.ZodObject, fields: z.ZodType) => ({
  summary,
  security: [],
  request: { params, body: planForm(fields) },
  responses: {
    '303': { description: 'Done: back to the plan, which says so' },
    '400': { description: 'Empty or too long: the plan again, with the words kept', content: planPage },
    '403': { description: 'Not sent from the plan page', content: planPage },
    '404': stoppedLink,
    '413': { description: 'Too large', content: planPage },
    '429': { description: 'Too many changes from this link; try again in a few minutes', content: planPage },
  },
});
route('GET /plan/{token}', {
  summary: 'The customer’s own plan (HTML, no account, no script): each need, its service, status, reference, next step and who; their own actions',
  security: [],
  request: { params: PlanToken },
  responses: { '200': { description: 'The plan', content: planPage }, '404': stoppedLink },
});
route(
  'POST /plan/{token}/actions',
  planChange('Add something the customer will do (at most 300 characters)', PlanToken, z.object({ text: z.string(), requestId: z.uuid() })),
);
route(
  'POST /plan/{token}/actions/{actionId}/done',
  planChange('Mark one of the plan’s own actions done', PlanToken.extend({ actionId: z.uuid() }), z.object({ requestId: z.uuid() })),
);
route(
  'POST /plan/{token}/messages',
  planChange(
    'Write to the lead agent: joins the customer’s open conversation as their message (at most 1600 characters)',
    PlanToken,
    z.object({ text: z.string(), requestId: z.uuid() }),
  ),
);
route(
  'POST /plan/{token}/feedback',
  planChange(
    'Answer the follow-up: how things are now (1 much worse … 5 much better), yes or no for each service (helped-{serviceId}), and an optional comment, which reaches the lead agent as the customer’s message. Nothing waiting: nothing changes',
    PlanToken,
    z.object({ requestId: z.uuid(), wellbeing: z.enum(['1', '2', '3', '4', '5']), comment: z.string().optional() }).catchall(z.enum(['yes', 'no'])),
  ),
);

// Hand-offs and the service directory.
route('GET /api/services', {
  summary: 'Active services in the directory, and the needs each owns',
  responses: { '200': { description: 'Services' }, '401': unauthorised, '403': forbidden },
});
route('GET /api/directory', {
  summary: 'The service directory as Open Referral UK / HSDS JSON (webhook secrets left out)',
  responses: { '200': { description: 'Directory' }, '401': unauthorised, '403': forbidden },
});
route('PUT /api/directory', {
  summary: 'Import a directory (admins): organisations and services matched by id; each row imported, imported with warnings, or refused',
  request: {
    query: handoffs.DirectoryQuery,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            description:
              'Open Referral UK / HSDS JSON: {"organizations":[…]}, a service, an organisation, an ORUK or HSDS 3.0 list page, or an array; see README "Hand-offs"',
          },
        },
      },
    },
  },
  responses: {
    '200': { description: 'The report: counts, and each row with its outcome, warnings and problems' },
    '401': unauthorised,
    '403': forbidden,
    '422': error('Not a shape the hub reads, every row refused, or allOrNothing with a refused row: problems, each naming where in the file'),
  },
});
route('GET /api/conversations/{id}/handoffs/preview', {
  summary: 'Each need of the conversation, the service that would get it, or the hand-off it is already in',
  request: { params: handoffs.IdParam },
  responses: { '200': { description: 'Needs' }, '401': unauthorised, '403': forbidden, '404': error() },
});
route('GET /api/conversations/{id}/handoffs', {
  summary: "The customer's plan: every hand-off of this conversation's customer",
  request: { params: handoffs.IdParam },
  responses: { '200': { description: 'Hand-offs' }, '401': unauthorised, '403': forbidden, '404': error() },
});
route('POST /api/conversations/{id}/handoffs', {
  summary: 'Hand needs to the services that own them, one hand-off per service, once the customer agreed (consent: true)',
  request: { params: handoffs.IdParam, body: body(handoffs.HandoffBody) },
  responses: {
    '201': { description: 'Hand-offs made; unowned and alreadyHanded list the rest' },
    '400': error(),
    '401': unauthorised,
    '403': forbidden,
    '404': error(),
    '409': error('Nothing to hand: no owner, or already with a service'),
    '422': error(),
  },
});
route('GET /api/handoffs', {
  summary: "Hand-offs: a service account's own service's, everyone else's all (status=open|all|attention; attention = undelivered or escalated)",
  request: { query: handoffs.ListQuery },
  responses: { '200': { description: 'Hand-offs' }, '401': unauthorised, '403': forbidden },
});
route('GET /api/handoffs/{id}', {
  summary: 'A hand-off and its story',
  request: { params: handoffs.IdParam },
  responses: { '200': { description: 'Hand-off' }, '401': unauthorised, '404': error() },
});
route('POST /api/handoffs/{id}/accept', {
  summary: 'Accept a hand-off',
  request: { params: handoffs.IdParam },
  responses: { '200': { description: 'Hand-off' }, '401': unauthorised, '404': error(), '409': error() },
});
route('POST /api/handoffs/{id}/resend', {
  summary: 'Send again a hand-off that could not be delivered (supervisors, admins), to the target the directory now gives',
  request: { params: handoffs.IdParam },
  responses: { '200': { description: 'Hand-off' }, '401': unauthorised, '403': forbidden, '404': error(), '409': error() },
});
route('POST /api/handoffs/{id}/reply', {
  summary: 'Answer the customer on their channel (accepts it if not yet accepted)',
  request: { params: handoffs.IdParam, body: body(handoffs.HandoffReplyBody) },
  responses: { '200': { description: 'Hand-off' }, '400': error(), '401': unauthorised, '404': error(), '409': error(), '422': error() },
});
route('POST /api/handoffs/{id}/redirect', {
  summary: 'Pass it to another service (a new hand-off in the same plan)',
  request: { params: handoffs.IdParam, body: body(handoffs.RedirectBody) },
  responses: { '200': { description: 'Hand-off' }, '400': error(), '401': unauthorised, '404': error(), '409': error(), '422': error() },
});
route('POST /api/handoffs/{id}/close', {
  summary: 'Close it, saying what was done',
  request: { params: handoffs.IdParam, body: body(handoffs.HandoffCloseBody) },
  responses: { '200': { description: 'Hand-off' }, '400': error(), '401': unauthorised, '404': error(), '409': error() },
});
route('POST /webhooks/handoffs/{reference}', {
  summary: "A service's own system accepts, answers or closes a hand-off it got by webhook",
  security: [],
  request: { params: CallbackParams, headers: CallbackHeaders, body: body(CallbackBody) },
  responses: {
    '200': { description: 'The hand-off as it now is' },
    '400': error(),
    '401': error("Forged, stale, or not this hand-off's service"),
    '409': error(),
    '422': error(),
  },
});
route('POST /slack/events', {
  summary:
    'Slack hand-offs: button presses, the reply and close forms, and replies in a hand-off’s thread (only with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set)',
  security: [],
  request: { headers: SlackHeaders },
  responses: { '200': { description: 'Done' }, '401': { description: 'Not signed by Slack, or signed more than five minutes from now' } },
});

// Data protection.
route('GET /api/customers/{id}/export', {
  summary: 'Subject access: everything held about the customer as one JSON document (supervisor or admin; audited)',
  request: { params: customers.IdParam },
  responses: { '200': { description: 'Export document (as an attachment)' }, '401': unauthorised, '403': forbidden, '404': error() },
});
route('POST /api/customers/{id}/erase', {
  summary: 'Erase the customer’s personal data; anonymised counts and need codes remain (supervisor or admin; audited with the reason)',
  request: { params: customers.IdParam, body: body(customers.ErasureBody) },
  responses: {
    '200': {
      description: 'Erased',
      content: json(
        z.object({
          erased: z.object({
            messages: z.number().int(),
            contactPoints: z.number().int(),
            cancelledReplies: z.number().int(),
            notes: z.number().int(),
            handoffs: z.number().int(),
          }),
        }),
      ),
    },
    '400': error(),
    '401': unauthorised,
    '403': forbidden,
    '404': error(),
  },
});

// Channels: each is mounted only when switched on.
route(
  'POST /webhooks/twilio/sms',
  twilio('Twilio Messaging webhook (inbound SMS)', messaging.SmsFields, {
    '200': { description: 'Accepted (empty TwiML)' },
    '400': { description: 'Malformed' },
    '403': { description: 'Signature missing or invalid' },
    '413': { description: 'Too large' },
    '503': { description: 'Not durable yet; retry' },
  }),
);
route(
  'POST /webhooks/twilio/sms/status',
  twilio('Twilio message status callback', messaging.StatusFields, {
    '204': { description: 'Recorded' },
    '400': { description: 'Malformed' },
    '403': { description: 'Signature missing or invalid' },
  }),
);
route(
  'POST /webhooks/twilio/whatsapp',
  twilio('Twilio Messaging webhook (inbound WhatsApp message; with WHATSAPP_FROM set)', messaging.SmsFields, {
    '200': { description: 'Accepted (empty TwiML)' },
    '400': { description: 'Malformed' },
    '403': { description: 'Signature missing or invalid' },
    '413': { description: 'Too large' },
    '503': { description: 'Not durable yet; retry' },
  }),
);
route(
  'POST /webhooks/twilio/whatsapp/status',
  twilio('Twilio message status callback (WhatsApp)', messaging.StatusFields, {
    '204': { description: 'Recorded' },
    '400': { description: 'Malformed' },
    '403': { description: 'Signature missing or invalid' },
  }),
);
route(
  'POST /webhooks/twilio/voice',
  twilio(
    'Twilio Voice webhook (incoming call): answered with TwiML that greets and gathers speech or keys; out of hours (VOICE_OPENING_HOURS), the hours and a message recording',
    null,
    { '200': { description: 'TwiML' }, '403': { description: 'Signature missing or invalid' } },
  ),
);
route(
  'POST /webhooks/twilio/voice/gather',
  twilio('What the caller said or keyed: stored as a contact; 0 or asking for a person enqueues the call', voice.GatherFields, {
    '200': { description: 'TwiML' },
    '400': { description: 'Malformed' },
    '403': { description: 'Signature missing or invalid' },
    '503': { description: 'Not durable yet; retry' },
  }),
);
route(
  'POST /webhooks/twilio/voice/wait',
  twilio('Queue wait message (Enqueue waitUrl): place in the queue and what to do in an emergency', null, {
    '200': { description: 'TwiML' },
    '400': { description: 'Malformed' },
    '403': { description: 'Signature missing or invalid' },
    '503': { description: 'Not recorded; retry' },
  }),
);
route(
  'POST /webhooks/twilio/voice/status',
  twilio('Call status callback: the number’s own (caller hung up) and the agent leg’s (ringing, answered, ended); recorded once each', voice.StatusFields, {
    '204': { description: 'Recorded' },
    '400': { description: 'Malformed' },
    '403': { description: 'Signature missing or invalid' },
    '503': { description: 'Not recorded; retry' },
  }),
);
route(
  'POST /webhooks/twilio/voice/dialled',
  twilio('End of the <Dial> to an agent: goodbye if they talked, back into the queue if not', voice.DialFields, {
    '200': { description: 'TwiML' },
    '400': { description: 'Malformed' },
    '403': { description: 'Signature missing or invalid' },
    '503': { description: 'Not recorded; retry' },
  }),
);
route(
  'POST /webhooks/twilio/voice/recorded',
  twilio('Out-of-hours message (<Record> action): stored with the recording URL', voice.RecordingFields, {
    '200': { description: 'TwiML' },
    '400': { description: 'Malformed' },
    '403': { description: 'Signature missing or invalid' },
    '503': { description: 'Not recorded; retry' },
  }),
);
route('POST /webhooks/twilio/voice/call', {
  ...twilio('A call the hub placed to ask a follow-up: TwiML with the next question (answered by a key) or thanks', voice.PlacedCallFields, {
    '200': { description: 'TwiML' },
    '400': { description: 'Malformed' },
    '403': { description: 'Signature missing or invalid' },
    '503': { description: 'Not recorded; retry' },
  }),
  request: { ...twilio('', voice.PlacedCallFields, {}).request, query: voice.PlacedCallQuery },
});
route(
  'POST /webhooks/twilio/voice/transcription',
  twilio('Transcription of an out-of-hours message: stored as text in the conversation', voice.TranscriptionFields, {
    '204': { description: 'Stored' },
    '400': { description: 'Malformed' },
    '403': { description: 'Signature missing or invalid' },
    '503': { description: 'Not recorded; retry' },
  }),
);
route('POST /api/messages', {
  summary: 'Bot Framework Activity endpoint (Azure Bot Service: Teams, Web Chat, Direct Line). Bearer token from the Bot Framework, checked against BOT_APP_ID',
  security: [],
  request: { body: { ...body(IncomingActivity), description: 'A Bot Framework Activity' } },
  responses: {
    '202': { description: 'Stored; the answer follows as its own activity' },
    '200': { description: 'Not a message (ignored)' },
    '400': error(),
    '401': { description: 'No valid Bot Framework token' },
    '503': { description: 'Not durable yet; retry' },
  },
});
route('GET /chat/widget.js', {
  summary: 'The web chat widget, for a council’s own pages to embed (with /chat/widget.css); it talks to the /chat socket.io namespace',
  security: [],
  responses: { '200': { description: 'JavaScript' } },
});
route('GET /chat/widget.css', { summary: 'The web chat widget’s styles', security: [], responses: { '200': { description: 'CSS' } } });
route('GET /chat/demo', { summary: 'A page with the web chat widget on it, to try it', security: [], responses: { '200': { description: 'HTML page' } } });

type Document = ReturnType<OpenApiGeneratorV31['generateDocument']>;

export function openApiDocument(version: string): Document & { paths: NonNullable<Document['paths']> } {
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'contact-hub', version, description: 'Omnichannel contact hub: channel webhooks, the agent desk API, health.' },
    security: [{ session: [] }],
  });
  return { ...document, paths: document.paths ?? {} };
}
