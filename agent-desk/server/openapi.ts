// GET /api/openapi.json: the HTTP API, with request and response bodies generated from the same
// zod schemas that validate them, so the document cannot drift from the code.
import { z } from 'zod';
import { LoginBody, ReplyBody } from './api.ts';
import { ConversationDetail, ConversationSummary, MessageView, NeedView } from './views.ts';
import { CallView, VoiceTargetBody } from './calls.ts';
import { AddNeedBody } from './conversation-needs.ts';
import { Customer360, CustomerMatchView, ErasureBody, LinkBody, MergeBody, ProfilePatch, UndoMergeBody } from './customers.ts';
import { DetectBody, DetectionView } from './needs.ts';
import { NoteView } from './views.ts';
import { NoteBody } from './notes.ts';
import { CannedBody, CannedView, PLACEHOLDERS } from './canned.ts';
import { CloseBody, PresenceBody, TransferBody } from './routing.ts';
import { HandoffBody, HandoffCloseBody, HandoffReplyBody, RedirectBody } from './handoffs.ts';
import { CallbackBody } from '../../hub/handoff/callback.ts';
import { PasswordChangeBody } from './account.ts';
import { SignInLockView } from './sign-in-locks.ts';

const json = (schema: z.ZodType) => ({ 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } });
const error = { description: 'Error', content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] } } } };
const unauthorised = { ...error, description: 'Not signed in' };
const forbidden = { ...error, description: 'Role not allowed' };
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }];
const twilioForm = { 'application/x-www-form-urlencoded': { schema: { type: 'object', additionalProperties: { type: 'string' } } } };
const twilioSignature = [{ name: 'X-Twilio-Signature', in: 'header', required: true, schema: { type: 'string' }, description: "Twilio's HMAC-SHA1 of PUBLIC_BASE_URL + path + sorted form fields" }];

export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'contact-hub', version, description: 'Omnichannel contact hub: channel webhooks, the agent desk API, health.' },
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'ch_session' } },
    },
    security: [{ session: [] }],
    paths: {
      '/health': {
        get: {
          summary: 'Database and Redis state, and how many inbound contacts wait in the journal (kept on disk while the database could not take them)',
          security: [],
          responses: { '200': { description: 'All up' }, '503': { description: 'Something is down' } },
        },
      },
      '/api/auth/login': {
        post: {
          summary: 'Sign in; sets an httpOnly session cookie',
          security: [],
          requestBody: { required: true, content: json(LoginBody) },
          responses: {
            '200': { description: 'Signed in' },
            '400': error,
            '401': { ...error, description: 'Wrong email or password' },
            '403': { ...error, description: 'Right password, but an admin has disabled the account' },
            '429': {
              ...error,
              description:
                'Too many failed sign-ins: this account from this address is locked (LOGIN_MAX_FAILURES in a row, for LOGIN_LOCK_MINUTES), this address is locked (LOGIN_MAX_FAILURES_PER_IP_PER_DAY across accounts, for a day), or this account is being guessed from many addresses and must wait a few seconds (past LOGIN_MAX_FAILURES_PER_ACCOUNT: 1 s, doubling, up to LOGIN_ACCOUNT_DELAY_MAX_SECONDS; never at an address it signed in from before). The password is not checked, and the answer is the same whether or not the account exists.',
              headers: { 'Retry-After': { description: 'Seconds until a sign-in may be tried again', schema: { type: 'integer', minimum: 1 } } },
            },
          },
        },
      },
      '/api/auth/logout': { post: { summary: 'Sign out: ends this session and closes its desks (every account)', responses: { '204': { description: 'Signed out' }, '401': unauthorised } } },
      '/api/auth/password': {
        post: {
          summary: 'Change my password (every account): needs the current one; ends my other sessions and closes their desks, keeps this one',
          requestBody: { required: true, content: json(PasswordChangeBody) },
          responses: {
            '200': { description: 'Changed', content: json(z.object({ otherSessionsEnded: z.number().int() })) },
            '400': { ...error, description: 'The current password is not right, or the new one breaks the rule (12 to 1024 characters, not the current one)' },
            '401': unauthorised,
            '429': { ...error, description: 'Too many wrong current passwords: limited like sign-in', headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 } } } },
          },
        },
      },
      '/api/auth/sign-out-everywhere': {
        post: { summary: 'Sign out everywhere (every account): ends all my sessions, this one too, and closes all my desks', responses: { '204': { description: 'Signed out everywhere' }, '401': unauthorised } },
      },
      '/api/agents/{id}/disable': {
        post: {
          summary: 'Disable an account (admins): it cannot sign in, its sessions end and its desks close at once, on every hub process; it is set offline. Not your own.',
          parameters: idParam,
          responses: { '200': { description: 'Disabled: the agent, and how many sessions ended' }, '401': unauthorised, '403': forbidden, '404': error, '409': { ...error, description: 'Your own account' } },
        },
      },
      '/api/agents/{id}/sign-out': {
        post: { summary: 'End every session of an account (admins), closing its desks at once; it may sign in again', parameters: idParam, responses: { '200': { description: 'How many sessions ended' }, '401': unauthorised, '403': forbidden, '404': error } },
      },
      '/api/admin/sign-out-everyone': {
        post: { summary: 'End every session but your own (admins), closing those desks at once on every hub process', responses: { '200': { description: 'How many sessions ended' }, '401': unauthorised, '403': forbidden } },
      },
      '/api/agents/{id}/enable': {
        post: { summary: 'Enable a disabled account again (admins)', parameters: idParam, responses: { '200': { description: 'Enabled: the agent' }, '401': unauthorised, '403': forbidden, '404': error } },
      },
      '/api/admin/sign-in-locks': {
        get: {
          summary: 'Sign-in locks and slow-downs in force, with the account, address, until when and why (admins)',
          responses: { '200': { description: 'Locks', content: json(z.object({ locks: z.array(SignInLockView) })) }, '401': unauthorised, '403': forbidden },
        },
      },
      '/api/admin/sign-in-locks/{id}': {
        delete: {
          summary: 'Lift a sign-in lock now and forget its count (admins; audited)',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { '204': { description: 'Lifted' }, '401': unauthorised, '403': forbidden, '404': { ...error, description: 'No such lock (it may have ended)' }, '503': { ...error, description: 'Redis did not answer' } },
        },
      },
      '/api/auth/me': { get: { summary: 'The signed-in agent', responses: { '200': { description: 'Agent' }, '401': unauthorised } } },
      '/api/conversations': {
        get: {
          summary: 'Conversations, most recent first',
          parameters: [
            { name: 'status', in: 'query', schema: { type: 'string', enum: ['open', 'closed'], default: 'open' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
            { name: 'assigned', in: 'query', schema: { type: 'string', enum: ['me'] }, description: 'Only the caller’s own' },
            { name: 'waiting', in: 'query', schema: { type: 'boolean' }, description: 'Only those waiting for a person' },
            { name: 'ids', in: 'query', schema: { type: 'string' }, description: 'Only these conversation ids, comma-separated (up to 100)' },
            { name: 'q', in: 'query', schema: { type: 'string', maxLength: 100 }, description: 'Only those whose customer’s name or an address contains each word (a phone number may be typed with spaces or a leading 0)' },
          ],
          responses: { '200': { description: 'List', content: json(z.object({ conversations: z.array(ConversationSummary) })) }, '400': error, '401': unauthorised },
        },
      },
      '/api/conversations/{id}': {
        get: {
          summary: 'One conversation with all its messages',
          parameters: idParam,
          responses: { '200': { description: 'Conversation', content: json(z.object({ conversation: ConversationDetail })) }, '401': unauthorised, '404': error },
        },
      },
      '/api/conversations/{id}/messages': {
        post: {
          summary: "Reply to the customer on the conversation's channel (queued, then sent)",
          parameters: idParam,
          requestBody: { required: true, content: json(ReplyBody) },
          responses: {
            '202': { description: 'Queued for sending', content: json(z.object({ message: MessageView })) },
            '400': error,
            '401': unauthorised,
            '404': error,
            '409': { ...error, description: 'The channel is not switched on' },
            '422': { ...error, description: 'No address to reply to on that channel' },
          },
        },
      },
      '/api/needs/detect': {
        post: {
          summary: 'Suggest taxonomy needs for a text (an email, a note), each with a confidence, and whether it shows immediate danger; the text is not stored',
          requestBody: { required: true, content: json(DetectBody) },
          responses: {
            '200': { description: 'Needs found, most confident first', content: json(DetectionView) },
            '400': error,
            '401': unauthorised,
            '413': { ...error, description: 'Request body over 32 kB' },
          },
        },
      },
      '/api/calls': {
        get: { summary: 'Calls waiting for a person or in progress, longest waiting first, with what each caller has said', responses: { '200': { description: 'Calls', content: json(z.object({ calls: z.array(CallView) })) }, '401': unauthorised } },
      },
      '/api/calls/{id}/take': {
        post: {
          summary: 'Take a waiting call: it is put through to the phone number or client set for the signed-in agent',
          parameters: idParam,
          responses: {
            '200': { description: 'Taken; the agent’s phone is ringing', content: json(z.object({ call: CallView })) },
            '401': unauthorised,
            '404': error,
            '409': { ...error, description: 'Taken by someone else, caller gone, no number set, or phone calls are off' },
            '410': { ...error, description: 'The caller has hung up' },
            '502': { ...error, description: 'Twilio could not be reached; the call is still waiting' },
          },
        },
      },
      '/api/conversations/{id}/calls': {
        get: { summary: 'The calls in a conversation with their events (queued, taken, ringing, answered, ended)', parameters: idParam, responses: { '200': { description: 'Calls', content: json(z.object({ calls: z.array(CallView) })) }, '401': unauthorised } },
      },
      '/api/agents/me/voice': {
        get: { summary: 'Where calls the signed-in agent takes are put through to', responses: { '200': { description: 'phone and client' }, '401': unauthorised } },
        put: { summary: 'Set the phone number (any format; stored as E.164) or Twilio Client identity calls are put through to', requestBody: { required: true, content: json(VoiceTargetBody) }, responses: { '200': { description: 'Saved' }, '400': error, '401': unauthorised } },
      },
      '/api/needs/taxonomy': {
        get: { summary: 'The needs taxonomy: the codes agents can record, with labels', responses: { '200': { description: 'Needs' }, '401': unauthorised } },
      },
      '/api/conversations/{id}/needs': {
        post: {
          summary: 'Record a need on the conversation as the signed-in agent (audited; already recorded: unchanged)',
          parameters: idParam,
          requestBody: { required: true, content: json(AddNeedBody) },
          responses: { '201': { description: 'Added', content: json(z.object({ needs: z.array(NeedView) })) }, '200': { description: 'Already recorded' }, '400': error, '401': unauthorised, '404': error },
        },
      },
      '/api/conversations/{id}/needs/{code}': {
        delete: {
          summary: 'Remove a need from the conversation (audited)',
          parameters: [...idParam, { name: 'code', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'Removed', content: json(z.object({ needs: z.array(NeedView) })) }, '401': unauthorised, '404': error },
        },
      },
      '/api/conversations/{id}/needs/suggestions': {
        get: { summary: 'Needs detected in what the customer wrote that are not recorded yet (nothing is stored)', parameters: idParam, responses: { '200': { description: 'Suggestions' }, '401': unauthorised, '404': error } },
      },
      // Private notes and canned responses.
      '/api/conversations/{id}/notes': {
        get: {
          summary: 'Private notes on the conversation, oldest first, each with its author (for colleagues; never sent to the customer)',
          parameters: idParam,
          responses: { '200': { description: 'Notes', content: json(z.object({ notes: z.array(NoteView) })) }, '400': error, '401': unauthorised, '404': error },
        },
        post: {
          summary: 'Add a private note as the signed-in agent: stored apart from messages, never sent to the customer; other desks get conversation.updated (audited, without its text)',
          parameters: idParam,
          requestBody: { required: true, content: json(NoteBody) },
          responses: { '201': { description: 'Added', content: json(z.object({ note: NoteView })) }, '400': error, '401': unauthorised, '404': error },
        },
      },
      '/api/canned-responses': {
        get: {
          summary: `Canned responses: everyone's and the signed-in agent's teams' (scope=all: every team's, supervisor or admin). Placeholders the desk fills in on insert: ${Object.keys(PLACEHOLDERS).map((p) => `{${p}}`).join(', ')}`,
          parameters: [{ name: 'scope', in: 'query', schema: { type: 'string', enum: ['mine', 'all'], default: 'mine' } }],
          responses: {
            '200': { description: 'Canned responses (everyone’s first, then by team and title) and the placeholders a body may use', content: json(z.object({ cannedResponses: z.array(CannedView), placeholders: z.record(z.string(), z.string()) })) },
            '400': error,
            '401': unauthorised,
            '403': { ...error, description: 'scope=all needs a supervisor or admin' },
          },
        },
        post: {
          summary: 'Save a canned response for everyone (no teamId) or one team (supervisor or admin); a body with an unknown {placeholder} is refused',
          requestBody: { required: true, content: json(CannedBody) },
          responses: { '201': { description: 'Saved', content: json(z.object({ cannedResponse: CannedView })) }, '400': error, '401': unauthorised, '403': { ...error, description: 'Role not allowed' } },
        },
      },
      '/api/canned-responses/{id}': {
        put: {
          summary: 'Replace a canned response: title, body and team (no teamId: everyone’s) (supervisor or admin)',
          parameters: idParam,
          requestBody: { required: true, content: json(CannedBody) },
          responses: { '200': { description: 'Saved', content: json(z.object({ cannedResponse: CannedView })) }, '400': error, '401': unauthorised, '403': { ...error, description: 'Role not allowed' }, '404': error },
        },
        delete: {
          summary: 'Delete a canned response (supervisor or admin)',
          parameters: idParam,
          responses: { '204': { description: 'Deleted' }, '401': unauthorised, '403': { ...error, description: 'Role not allowed' }, '404': error },
        },
      },
      // Routing: presence, offers, handing on and closing; teams, agents' routing settings, the supervisor's overview.
      '/api/agents/me/routing': {
        get: { summary: 'My presence, skills, capacity, load and teams, and the offers pending for me', responses: { '200': { description: 'Agent and offers' }, '401': unauthorised, '403': forbidden } },
      },
      '/api/agents/me/presence': {
        put: {
          summary: 'Set my presence; leaving available gives my pending offers to others at once',
          requestBody: { required: true, content: json(PresenceBody) },
          responses: { '200': { description: 'Agent' }, '400': error, '401': unauthorised, '403': forbidden },
        },
      },
      '/api/agents/directory': { get: { summary: 'Agents a conversation can be transferred to (names, presence, teams)', responses: { '200': { description: 'Agents' }, '401': unauthorised, '403': forbidden } } },
      '/api/offers/{id}/accept': {
        post: {
          summary: 'Accept an offer: the conversation becomes mine (one agent only, however many accept at once)',
          parameters: idParam,
          responses: { '200': { description: 'Accepted' }, '401': unauthorised, '403': forbidden, '404': { ...error, description: 'Not an offer to me' }, '410': { ...error, description: 'Too late: it ran out, was withdrawn or answered' } },
        },
      },
      '/api/offers/{id}/decline': {
        post: { summary: 'Decline an offer: it goes to the next agent now, and is not offered to me again in this wait', parameters: idParam, responses: { '200': { description: 'Declined' }, '401': unauthorised, '403': forbidden, '404': error, '410': error } },
      },
      '/api/conversations/{id}/transfer': {
        post: {
          summary: 'Transfer to an agent (theirs at once) or a team (it waits for its members), with a note kept on the conversation',
          parameters: idParam,
          requestBody: { required: true, content: json(TransferBody) },
          responses: { '200': { description: 'Transferred', content: json(z.object({ conversation: ConversationSummary })) }, '400': error, '401': unauthorised, '403': { ...error, description: 'Another agent has it' }, '404': error, '409': { ...error, description: 'Closed' } },
        },
      },
      '/api/conversations/{id}/close': {
        post: {
          summary: 'Close with an outcome and the needs met; the agent’s capacity is offered again at once',
          parameters: idParam,
          requestBody: { required: true, content: json(CloseBody) },
          responses: { '200': { description: 'Closed', content: json(z.object({ conversation: ConversationSummary })) }, '400': error, '401': unauthorised, '403': { ...error, description: 'Another agent has it' }, '404': error, '409': { ...error, description: 'Closed already' } },
        },
      },
      '/api/agents': {
        get: { summary: 'Agents with presence, skills, capacity, load and teams (supervisors, admins)', responses: { '200': { description: 'Agents' }, '401': unauthorised, '403': forbidden } },
        post: { summary: 'Create an account (admins)', responses: { '201': { description: 'Created' }, '400': error, '401': unauthorised, '403': forbidden, '409': { ...error, description: 'Email taken' } } },
      },
      '/api/agents/{id}/routing': {
        put: {
          summary: 'Set an agent’s skills (need codes or areas; none: any need), capacity per channel (0: not offered that channel) and teams (supervisors, admins)',
          parameters: idParam,
          responses: { '200': { description: 'Agent' }, '400': error, '401': unauthorised, '403': forbidden, '404': error },
        },
      },
      '/api/teams': {
        get: { summary: 'Teams: the needs each answers and its opening hours', responses: { '200': { description: 'Teams' }, '401': unauthorised } },
        post: { summary: 'Create a team (supervisors, admins); hours like "Mo-Fr 09:00-17:00"', responses: { '201': { description: 'Created' }, '400': error, '401': unauthorised, '403': forbidden, '409': error } },
      },
      '/api/teams/{id}': { put: { summary: 'Change a team (supervisors, admins)', parameters: idParam, responses: { '200': { description: 'Team' }, '400': error, '401': unauthorised, '403': forbidden, '404': error } } },
      '/api/supervisor/overview': {
        get: { summary: 'Waiting conversations by team (count, urgent, longest wait) and agents’ presence and load; pushed live as supervisor.overview on /desk', responses: { '200': { description: 'Overview' }, '401': unauthorised, '403': forbidden } },
      },
      '/api/customers': {
        get: {
          summary: 'Find customers by phone (any format), email, UK postcode or part of a name (audited)',
          parameters: [
            { name: 'query', in: 'query', required: true, schema: { type: 'string', minLength: 2, maxLength: 200 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50, default: 20 } },
          ],
          responses: { '200': { description: 'Matches', content: json(z.object({ customers: z.array(CustomerMatchView) })) }, '400': error, '401': unauthorised },
        },
      },
      '/api/customers/{id}': {
        get: {
          summary: 'Customer 360: the person, contact points, every conversation and message across channels, needs (audited)',
          parameters: [...idParam, { name: 'timelineLimit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } }],
          responses: { '200': { description: 'Customer', content: json(z.object({ customer: Customer360 })) }, '400': error, '401': unauthorised, '404': error },
        },
        patch: {
          summary: 'Update the profile (name, postcode, language, preferred channel, accessibility needs; audited)',
          parameters: idParam,
          requestBody: { required: true, content: json(ProfilePatch) },
          responses: { '200': { description: 'Updated customer', content: json(z.object({ customer: Customer360 })) }, '400': error, '401': unauthorised, '404': error, '409': { ...error, description: 'Erased' } },
        },
      },
      '/api/customers/{id}/contact-points': {
        post: {
          summary: 'Link a phone number or email address after checking identity, with the reason (audited)',
          parameters: idParam,
          requestBody: { required: true, content: json(LinkBody) },
          responses: {
            '201': { description: 'Linked' },
            '200': { description: 'Already linked to this customer' },
            '400': error,
            '401': unauthorised,
            '404': error,
            '409': { ...error, description: 'The address belongs to another customer (otherCustomerId), or this customer was erased' },
          },
        },
      },
      '/api/customers/{id}/merge': {
        post: {
          summary: 'Merge another record of the same person (absorbId) into this one: contact points, conversations and needs move; audited; can be undone',
          parameters: idParam,
          requestBody: { required: true, content: json(MergeBody) },
          responses: { '201': { description: 'Merged (mergeId, surviving customer)' }, '400': error, '401': unauthorised, '404': error, '409': { ...error, description: 'Same record, already merged, or erased' } },
        },
      },
      '/api/customers/{id}/match-suggestions': {
        get: {
          summary: 'Open suggestions that another record may be the same person (same name, or name and postcode); confirm by merging, or dismiss',
          parameters: idParam,
          responses: { '200': { description: 'Suggestions with the other customer' }, '401': unauthorised },
        },
      },
      '/api/match-suggestions/{id}/dismiss': {
        post: { summary: 'Not the same person: the suggestion is not shown again', parameters: idParam, responses: { '204': { description: 'Dismissed' }, '401': unauthorised, '404': error } },
      },
      '/api/merges/{id}/undo': {
        post: {
          summary: 'Undo a merge: exactly what moved goes back; audited',
          parameters: idParam,
          requestBody: { required: true, content: json(UndoMergeBody) },
          responses: { '200': { description: 'Undone (survivorId, absorbedId)' }, '400': error, '401': unauthorised, '404': error, '409': { ...error, description: 'Already undone, or the survivor was merged again since' } },
        },
      },
      '/api/attachments/{id}': {
        get: {
          summary: 'Download a file that came with an email (as an attachment, never shown inline; audited)',
          parameters: idParam,
          responses: { '200': { description: 'The file, with its type, Content-Disposition: attachment and nosniff' }, '401': unauthorised, '404': error },
        },
      },
      '/api/messages/{id}/html': {
        get: {
          summary: "An email's sanitised HTML, served under a sandboxing Content-Security-Policy (show it in an iframe)",
          parameters: idParam,
          responses: { '200': { description: 'HTML document' }, '401': unauthorised, '404': error },
        },
      },
      '/api/services': { get: { summary: 'Active services in the directory, and the needs each owns', responses: { '200': { description: 'Services' }, '401': unauthorised, '403': forbidden } } },
      '/api/directory': {
        get: { summary: 'The service directory as Open Referral UK / HSDS JSON (webhook secrets left out)', responses: { '200': { description: 'Directory' }, '401': unauthorised, '403': forbidden } },
        put: {
          summary: 'Import a directory (admins): organisations and services matched by id; each row imported, imported with warnings, or refused',
          parameters: [{ name: 'allOrNothing', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] }, description: 'true: import nothing if any row is refused' }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', description: 'Open Referral UK / HSDS JSON: {"organizations":[…]}, a service, an organisation, an ORUK or HSDS 3.0 list page, or an array; see README "Hand-offs"' } } } },
          responses: { '200': { description: 'The report: counts, and each row with its outcome, warnings and problems' }, '401': unauthorised, '403': forbidden, '422': { ...error, description: 'Not a shape the hub reads, every row refused, or allOrNothing with a refused row: problems, each naming where in the file' } },
        },
      },
      '/api/conversations/{id}/handoffs/preview': {
        get: { summary: 'Each need of the conversation, the service that would get it, or the hand-off it is already in', parameters: idParam, responses: { '200': { description: 'Needs' }, '401': unauthorised, '403': forbidden, '404': error } },
      },
      '/api/conversations/{id}/handoffs': {
        get: { summary: "The customer's plan: every hand-off of this conversation's customer", parameters: idParam, responses: { '200': { description: 'Hand-offs' }, '401': unauthorised, '403': forbidden, '404': error } },
        post: {
          summary: 'Hand needs to the services that own them, one hand-off per service, once the customer agreed (consent: true)',
          parameters: idParam,
          requestBody: { required: true, content: json(HandoffBody) },
          responses: { '201': { description: 'Hand-offs made; unowned and alreadyHanded list the rest' }, '400': error, '401': unauthorised, '403': forbidden, '404': error, '409': { ...error, description: 'Nothing to hand: no owner, or already with a service' }, '422': error },
        },
      },
      '/api/handoffs': {
        get: {
          summary: "Hand-offs: a service account's own service's, everyone else's all (status=open|all|attention; attention = undelivered or escalated)",
          parameters: [{ name: 'status', in: 'query', schema: { type: 'string', enum: ['open', 'all', 'attention'] } }],
          responses: { '200': { description: 'Hand-offs' }, '401': unauthorised, '403': forbidden },
        },
      },
      '/api/handoffs/{id}': { get: { summary: 'A hand-off and its story', parameters: idParam, responses: { '200': { description: 'Hand-off' }, '401': unauthorised, '404': error } } },
      '/api/handoffs/{id}/accept': { post: { summary: 'Accept a hand-off', parameters: idParam, responses: { '200': { description: 'Hand-off' }, '401': unauthorised, '404': error, '409': error } } },
      '/api/handoffs/{id}/resend': { post: { summary: 'Send again a hand-off that could not be delivered (supervisors, admins), to the target the directory now gives', parameters: idParam, responses: { '200': { description: 'Hand-off' }, '401': unauthorised, '403': forbidden, '404': error, '409': error } } },
      '/api/handoffs/{id}/reply': {
        post: { summary: "Answer the customer on their channel (accepts it if not yet accepted)", parameters: idParam, requestBody: { required: true, content: json(HandoffReplyBody) }, responses: { '200': { description: 'Hand-off' }, '400': error, '401': unauthorised, '404': error, '409': error, '422': error } },
      },
      '/api/handoffs/{id}/redirect': {
        post: { summary: 'Pass it to another service (a new hand-off in the same plan)', parameters: idParam, requestBody: { required: true, content: json(RedirectBody) }, responses: { '200': { description: 'Hand-off' }, '400': error, '401': unauthorised, '404': error, '409': error, '422': error } },
      },
      '/api/handoffs/{id}/close': {
        post: { summary: 'Close it, saying what was done', parameters: idParam, requestBody: { required: true, content: json(HandoffCloseBody) }, responses: { '200': { description: 'Hand-off' }, '400': error, '401': unauthorised, '404': error, '409': error } },
      },
      '/webhooks/handoffs/{reference}': {
        post: {
          summary: "A service's own system accepts, answers or closes a hand-off it got by webhook",
          security: [],
          parameters: [
            { name: 'reference', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'X-ContactHub-Timestamp', in: 'header', required: true, schema: { type: 'string' } },
            { name: 'X-ContactHub-Signature', in: 'header', required: true, schema: { type: 'string' }, description: 'v1= hex HMAC-SHA256 of "<timestamp>.<raw body>" with the service\'s webhook secret' },
            { name: 'X-ContactHub-Delivery', in: 'header', required: true, schema: { type: 'string' }, description: 'Unique per request; a retry with the same id counts once' },
          ],
          requestBody: { required: true, content: json(CallbackBody) },
          responses: { '200': { description: 'The hand-off as it now is' }, '400': error, '401': { ...error, description: 'Forged, stale, or not this hand-off\'s service' }, '409': error, '422': error },
        },
      },
      '/api/customers/{id}/export': {
        get: {
          summary: 'Subject access: everything held about the customer as one JSON document (supervisor or admin; audited)',
          parameters: idParam,
          responses: { '200': { description: 'Export document (as an attachment)' }, '401': unauthorised, '403': { ...error, description: 'Role not allowed' }, '404': error },
        },
      },
      '/api/customers/{id}/erase': {
        post: {
          summary: 'Erase the customer’s personal data; anonymised counts and need codes remain (supervisor or admin; audited with the reason)',
          parameters: idParam,
          requestBody: { required: true, content: json(ErasureBody) },
          responses: {
            '200': { description: 'Erased', content: { 'application/json': { schema: { type: 'object', properties: { erased: { type: 'object', properties: { messages: { type: 'integer' }, contactPoints: { type: 'integer' }, cancelledReplies: { type: 'integer' }, notes: { type: 'integer' } } } } } } } },
            '400': error,
            '401': unauthorised,
            '403': { ...error, description: 'Role not allowed' },
            '404': error,
          },
        },
      },
      '/webhooks/twilio/sms': {
        post: {
          summary: 'Twilio Messaging webhook (inbound SMS)',
          security: [],
          parameters: twilioSignature,
          requestBody: { required: true, content: twilioForm },
          responses: { '200': { description: 'Accepted (empty TwiML)' }, '400': { description: 'Malformed' }, '403': { description: 'Signature missing or invalid' }, '413': { description: 'Too large' }, '503': { description: 'Not durable yet; retry' } },
        },
      },
      '/webhooks/twilio/voice': {
        post: {
          summary: 'Twilio Voice webhook (incoming call): answered with TwiML that greets and gathers speech or keys; out of hours (VOICE_OPENING_HOURS), the hours and a message recording',
          security: [],
          parameters: twilioSignature,
          requestBody: { required: true, content: twilioForm },
          responses: { '200': { description: 'TwiML' }, '403': { description: 'Signature missing or invalid' } },
        },
      },
      '/webhooks/twilio/voice/gather': {
        post: {
          summary: 'What the caller said or keyed: stored as a contact; 0 or asking for a person enqueues the call',
          security: [],
          parameters: twilioSignature,
          requestBody: { required: true, content: twilioForm },
          responses: { '200': { description: 'TwiML' }, '400': { description: 'Malformed' }, '403': { description: 'Signature missing or invalid' }, '503': { description: 'Not durable yet; retry' } },
        },
      },
      '/webhooks/twilio/voice/wait': {
        post: {
          summary: 'Queue wait message (Enqueue waitUrl): place in the queue and what to do in an emergency',
          security: [],
          parameters: twilioSignature,
          requestBody: { required: true, content: twilioForm },
          responses: { '200': { description: 'TwiML' }, '400': { description: 'Malformed' }, '403': { description: 'Signature missing or invalid' }, '503': { description: 'Not recorded; retry' } },
        },
      },
      '/webhooks/twilio/voice/status': {
        post: {
          summary: 'Call status callback: the number’s own (caller hung up) and the agent leg’s (ringing, answered, ended); recorded once each',
          security: [],
          parameters: twilioSignature,
          requestBody: { required: true, content: twilioForm },
          responses: { '204': { description: 'Recorded' }, '400': { description: 'Malformed' }, '403': { description: 'Signature missing or invalid' }, '503': { description: 'Not recorded; retry' } },
        },
      },
      '/webhooks/twilio/voice/dialled': {
        post: {
          summary: 'End of the <Dial> to an agent: goodbye if they talked, back into the queue if not',
          security: [],
          parameters: twilioSignature,
          requestBody: { required: true, content: twilioForm },
          responses: { '200': { description: 'TwiML' }, '400': { description: 'Malformed' }, '403': { description: 'Signature missing or invalid' }, '503': { description: 'Not recorded; retry' } },
        },
      },
      '/webhooks/twilio/voice/recorded': {
        post: {
          summary: 'Out-of-hours message (<Record> action): stored with the recording URL',
          security: [],
          parameters: twilioSignature,
          requestBody: { required: true, content: twilioForm },
          responses: { '200': { description: 'TwiML' }, '400': { description: 'Malformed' }, '403': { description: 'Signature missing or invalid' }, '503': { description: 'Not recorded; retry' } },
        },
      },
      '/webhooks/twilio/voice/transcription': {
        post: {
          summary: 'Transcription of an out-of-hours message: stored as text in the conversation',
          security: [],
          parameters: twilioSignature,
          requestBody: { required: true, content: twilioForm },
          responses: { '204': { description: 'Stored' }, '400': { description: 'Malformed' }, '403': { description: 'Signature missing or invalid' }, '503': { description: 'Not recorded; retry' } },
        },
      },
      '/api/messages': {
        post: {
          summary: 'Bot Framework Activity endpoint (Azure Bot Service: Teams, Web Chat, Direct Line). Bearer token from the Bot Framework, checked against BOT_APP_ID',
          security: [],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', description: 'A Bot Framework Activity' } } } },
          responses: { '202': { description: 'Stored; the answer follows as its own activity' }, '200': { description: 'Not a message (ignored)' }, '400': error, '401': { description: 'No valid Bot Framework token' }, '503': { description: 'Not durable yet; retry' } },
        },
      },
      '/webhooks/twilio/sms/status': {
        post: {
          summary: 'Twilio message status callback',
          security: [],
          parameters: twilioSignature,
          requestBody: { required: true, content: twilioForm },
          responses: { '204': { description: 'Recorded' }, '400': { description: 'Malformed' }, '403': { description: 'Signature missing or invalid' } },
        },
      },
    },
  };
}
