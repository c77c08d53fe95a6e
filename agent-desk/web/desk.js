// The minimal desk: sign in, see open conversations and waiting calls live, take a call, read one, reply. Text is always set with
// textContent, never parsed as HTML: customers' words are shown exactly as written.
'use strict';

const state = { conversations: new Map(), current: null, messages: new Map(), calls: new Map(), history: new Map() };
const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const res = await fetch(path, { ...options, headers: { 'content-type': 'application/json', ...(options.headers || {}) } });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw Object.assign(new Error((body && body.error) || res.statusText), { status: res.status });
  return body;
}

function contactLabel(customer) {
  return customer.displayName || customer.contactPoints.map((p) => p.address).join(', ') || 'Unknown customer';
}

function renderList() {
  const list = $('conversation-list');
  list.replaceChildren();
  const sorted = [...state.conversations.values()].sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt));
  for (const c of sorted) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.conversationId = c.id;
    if (c.id === state.current) button.setAttribute('aria-current', 'true');
    const who = document.createElement('strong');
    who.textContent = contactLabel(c.customer);
    const preview = document.createElement('span');
    preview.className = 'meta';
    preview.textContent = `${c.channel.toUpperCase()}${c.handler === 'bot' ? ' · with the bot' : ''}${whoHasIt(c)} · ${c.lastMessage ? c.lastMessage.body.slice(0, 80) : ''}`;
    if (c.urgent) {
      const urgent = document.createElement('span');
      urgent.className = 'urgent';
      urgent.textContent = 'URGENT ';
      button.append(urgent);
    }
    button.append(who, preview);
    button.addEventListener('click', () => openConversation(c.id));
    li.append(button);
    list.append(li);
  }
}

function statusText(m) {
  if (m.direction === 'inbound') return `received ${new Date(m.createdAt).toLocaleTimeString()}`;
  return m.status === 'failed' ? `failed to send: ${m.errorMessage || m.errorCode || 'unknown error'}` : m.status;
}

// An email's files (downloads), notices (e.g. a file that was refused) and its formatted version: the
// sanitised HTML in a sandboxed frame (no scripts, no access to the desk), served with its own strict CSP.
function emailExtras(m) {
  const extras = [];
  for (const notice of m.notices || []) {
    const p = document.createElement('span');
    p.className = 'notice';
    p.textContent = notice;
    extras.push(p);
  }
  const files = (m.attachments || []).filter((a) => a.filename);
  if (files.length) {
    const ul = document.createElement('ul');
    ul.className = 'files';
    for (const file of files) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = file.url;
      a.download = file.filename;
      a.textContent = `${file.filename} (${Math.max(1, Math.round(file.size / 1024))} KB)`;
      li.append(a);
      ul.append(li);
    }
    extras.push(ul);
  }
  if (m.htmlUrl) {
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = 'Show the formatted email';
    const frame = document.createElement('iframe');
    frame.title = 'Formatted email';
    frame.setAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    details.addEventListener('toggle', () => { if (details.open && !frame.src) frame.src = m.htmlUrl; });
    details.append(summary, frame);
    extras.push(details);
  }
  return extras;
}

function renderMessages() {
  const list = $('messages');
  list.replaceChildren();
  const sorted = [...state.messages.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const m of sorted) {
    const li = document.createElement('li');
    li.className = `${m.direction} ${m.status}`;
    li.dataset.messageId = m.id;
    const body = document.createElement('span');
    body.className = 'body';
    body.textContent = m.body;
    const meta = document.createElement('span');
    meta.className = 'meta';
    const who = m.direction === 'inbound' ? 'Customer' : m.fromBot ? 'Bot' : 'You';
    meta.textContent = `${who} · ${m.channel.toUpperCase()} · ${statusText(m)}`;
    li.append(body, ...emailExtras(m), meta);
    list.append(li);
  }
  interleaveNotes(list);
}

const CALL_STATE = { queued: 'waiting', connecting: 'ringing your phone', connected: 'on the line', ended: 'ended' };
const CALL_EVENT = {
  queued: 'asked for a person', taken: 'taken', ringing: 'ringing', answered: 'answered', completed: 'ended', busy: 'busy',
  no_answer: 'not answered', failed: 'failed', canceled: 'cancelled', returned_to_queue: 'back in the queue',
};

function minutesWaiting(call) {
  const minutes = Math.floor((Date.now() - new Date(call.queuedAt).getTime()) / 60000);
  return minutes < 1 ? 'under a minute' : `${minutes} min`;
}

function renderCalls() {
  const list = $('call-list');
  list.replaceChildren();
  const live = [...state.calls.values()].filter((c) => c.state !== 'ended').sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  $('calls-empty').hidden = live.length > 0;
  for (const call of live) {
    const li = document.createElement('li');
    li.dataset.callId = call.id;
    const who = document.createElement('strong');
    who.textContent = call.customer.displayName || call.fromAddress;
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = `${CALL_STATE[call.state]}${call.agent ? ` · ${call.agent.displayName}` : ''} · waiting ${minutesWaiting(call)}`;
    const said = document.createElement('span');
    said.className = 'said';
    said.textContent = call.said.length ? `Said: ${call.said.join(' / ')}` : 'Has not said anything yet.';
    li.append(who, meta, said);
    if (call.state === 'queued') {
      const take = document.createElement('button');
      take.type = 'button';
      take.textContent = `Take call from ${call.customer.displayName || call.fromAddress}`;
      take.addEventListener('click', () => takeCall(call));
      li.append(take);
    }
    list.append(li);
  }
}

const FACT_NAMES = { deadline: 'Deadline', household: 'Household', safeContact: 'Contact safely', school: 'Children and school', caredFor: 'Cares for' };
const SOURCE = { bot: 'found by the bot', agent: 'added by an agent', service: 'added by a service' };

// What has been found so far, so the agent does not ask the customer again; the agent can add and remove.
function renderNeeds(conversation) {
  $('needs-panel').hidden = false;
  const list = $('needs-list');
  list.replaceChildren();
  if (conversation.urgent) {
    const li = document.createElement('li');
    li.className = 'urgent';
    li.textContent = 'URGENT: signs of immediate danger. The customer was given 999 and helpline numbers.';
    list.append(li);
  }
  $('needs-empty').hidden = conversation.needs.length > 0 || conversation.urgent;
  for (const need of conversation.needs) {
    const li = document.createElement('li');
    if (need.urgent) li.className = 'urgent';
    const consent = need.consentToShare === null ? '' : need.consentToShare ? ', may be shared' : ', NOT to be shared';
    const text = document.createElement('span');
    text.textContent = `${need.urgent ? 'URGENT: ' : ''}${need.label} (${SOURCE[need.source]}${consent}) `;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = `Remove ${need.label}`;
    remove.addEventListener('click', () => changeNeed('DELETE', `/api/conversations/${conversation.id}/needs/${encodeURIComponent(need.code)}`));
    li.append(text, remove);
    list.append(li);
  }
  const facts = $('facts-list');
  facts.replaceChildren();
  for (const [key, value] of Object.entries(conversation.facts)) {
    const dt = document.createElement('dt');
    dt.textContent = FACT_NAMES[key] || key;
    const dd = document.createElement('dd');
    dd.textContent = value;
    facts.append(dt, dd);
  }
  api(`/api/conversations/${conversation.id}/needs/suggestions`).then(renderSuggestions).catch(() => {});
}

function renderSuggestions({ needs }) {
  const list = $('suggestion-list');
  list.replaceChildren();
  $('needs-suggested').hidden = needs.length === 0;
  for (const need of needs) {
    const li = document.createElement('li');
    const add = document.createElement('button');
    add.type = 'button';
    add.textContent = `Add ${need.label}`;
    add.addEventListener('click', () => changeNeed('POST', `/api/conversations/${state.current}/needs`, { code: need.code }));
    li.append(add);
    list.append(li);
  }
}

async function changeNeed(method, path, body) {
  $('need-error').textContent = '';
  try {
    await api(path, { method, body: body ? JSON.stringify(body) : undefined });
    const { conversation } = await api(`/api/conversations/${state.current}`);
    renderNeeds(conversation);
  } catch (error) {
    $('need-error').textContent = error.message;
  }
}

async function loadTaxonomy() {
  const { needs } = await api('/api/needs/taxonomy');
  const select = $('need-code');
  select.replaceChildren();
  for (const need of needs) {
    const option = document.createElement('option');
    option.value = need.code;
    option.textContent = need.label;
    select.append(option);
  }
}

function renderHistory() {
  const list = $('call-history');
  list.replaceChildren();
  for (const call of state.history.values()) {
    for (const e of call.events) {
      const li = document.createElement('li');
      li.textContent = `Call ${CALL_EVENT[e.kind]}${e.agent ? ` (${e.agent})` : ''} · ${new Date(e.at).toLocaleTimeString()}`;
      list.append(li);
    }
  }
}

async function takeCall(call) {
  $('call-error').textContent = '';
  try {
    const { call: taken } = await api(`/api/calls/${call.id}/take`, { method: 'POST' });
    onCall(taken);
    await openConversation(taken.conversationId);
  } catch (error) {
    $('call-error').textContent = error.message;
  }
}

function onCall(call) {
  state.calls.set(call.id, call);
  renderCalls();
  if (call.conversationId === state.current) {
    state.history.set(call.id, call);
    renderHistory();
  }
}

async function loadCalls() {
  const { calls } = await api('/api/calls');
  state.calls = new Map(calls.map((c) => [c.id, c]));
  renderCalls();
}

async function loadConversations() {
  const { conversations } = await api('/api/conversations?status=open');
  state.conversations = new Map(conversations.map((c) => [c.id, c]));
  renderList();
}

// Only the one conversation that changed is fetched again: every desk hears every change, so reloading
// whole lists on each would multiply the load by the number of agents online.
async function refreshConversation(id) {
  const { conversations } = await api(`/api/conversations?status=open&ids=${id}`);
  if (conversations.length) state.conversations.set(id, conversations[0]);
  else state.conversations.delete(id);
  renderList();
}

async function openConversation(id) {
  state.current = id;
  const { conversation } = await api(`/api/conversations/${id}`);
  state.messages = new Map(conversation.messages.map((m) => [m.id, m]));
  renderNeeds(conversation);
  setConversationExtras(conversation);
  renderHandover(conversation);
  const { calls } = await api(`/api/conversations/${id}/calls`);
  state.history = new Map(calls.map((c) => [c.id, c]));
  renderHistory();
  $('conversation-title').textContent = `${contactLabel(conversation.customer)} (${conversation.channel.toUpperCase()})`;
  $('reply-form').hidden = false;
  renderList();
  renderMessages();
  $('reply-text').focus();
}

function onMessage(m) {
  if (m.conversationId === state.current) {
    if (m.direction === 'inbound') $('typing').textContent = '';
    state.messages.set(m.id, m);
    renderMessages();
  }
  const c = state.conversations.get(m.conversationId);
  if (c) {
    c.lastMessage = m;
    if (m.createdAt > c.lastMessageAt) c.lastMessageAt = m.createdAt;
    renderList();
  } else {
    loadConversations().catch(() => {});
  }
}

function startDesk(agent) {
  $('login').hidden = true;
  $('desk').hidden = false;
  $('whoami').textContent = `Signed in as ${agent.displayName}`;
  // WebSocket first: several hub processes then need no sticky sessions (long-polling would).
  const socket = io('/desk', { withCredentials: true, transports: ['websocket', 'polling'] });
  socket.on('message.created', onMessage);
  socket.on('message.updated', onMessage);
  socket.on('call.updated', onCall);
  startNotesAndCanned(socket, agent);
  startRouting(socket, agent);
  loadTaxonomy().catch(() => {});
  socket.on('conversation.updated', ({ conversationId }) => {
    refreshConversation(conversationId).catch(() => {});
    if (conversationId === state.current)
      api(`/api/conversations/${conversationId}`)
        .then(({ conversation }) => {
          renderNeeds(conversation);
          renderHandover(conversation);
        })
        .catch(() => {});
  });
  api('/api/agents/me/voice').then(({ phone }) => ($('voice-phone').value = phone || '')).catch(() => {});
  // Waiting times move on even when nothing else happens.
  setInterval(renderCalls, 30_000);
  // After a reconnect (ours, or the server's to Redis), reload: missed events are not replayed.
  const resync = () => {
    loadConversations().catch(() => {});
    loadCalls().catch(() => {});
    if (state.current) openConversation(state.current).catch(() => {});
  };
  socket.on('connect', resync);
  let typingTimer;
  socket.on('customer.typing', ({ conversationId }) => {
    if (conversationId !== state.current) return;
    $('typing').textContent = 'The customer is typing…';
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => ($('typing').textContent = ''), 5000);
  });
  let lastTyping = 0;
  $('reply-text').addEventListener('input', () => {
    if (!state.current || Date.now() - lastTyping < 3000) return;
    lastTyping = Date.now();
    socket.emit('typing', { conversationId: state.current });
  });
  socket.on('desk.resync', resync);
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-error').textContent = '';
  try {
    const { agent } = await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ email: $('email').value, password: $('password').value }) });
    startDesk(agent);
  } catch (error) {
    $('login-error').textContent = error.message;
  }
});

$('need-form').addEventListener('submit', (event) => {
  event.preventDefault();
  changeNeed('POST', `/api/conversations/${state.current}/needs`, { code: $('need-code').value });
});

$('voice-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('voice-status').textContent = '';
  try {
    const { phone } = await api('/api/agents/me/voice', { method: 'PUT', body: JSON.stringify({ phone: $('voice-phone').value.trim() || null }) });
    $('voice-phone').value = phone || '';
    $('voice-status').textContent = phone ? `Calls you take will ring ${phone}.` : 'No number set: you cannot take calls.';
  } catch (error) {
    $('voice-status').textContent = error.message;
  }
});

$('reply-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('reply-error').textContent = '';
  const text = $('reply-text').value;
  try {
    const { message } = await api(`/api/conversations/${state.current}/messages`, { method: 'POST', body: JSON.stringify({ text }) });
    $('reply-text').value = '';
    onMessage(message);
  } catch (error) {
    $('reply-error').textContent = error.message;
  }
});

api('/api/auth/me')
  .then(({ agent }) => startDesk(agent))
  .catch(() => {
    $('login').hidden = false;
  });

// Private notes and canned responses. A note is for colleagues: it is shown in the timeline among the
// messages, by time, marked as not sent, and the server never sends it. A canned response goes into the
// reply box at the cursor with its placeholders filled in ({first_name}: the first word of the customer's
// name; {agent_name}: the signed-in agent's name), for the agent to edit before sending. A value the desk
// does not know (a customer with no name on record) stays in braces and is selected for the agent to replace.
const notebook = { notes: new Map(), canned: [], agent: null, customer: null };

function noteItem(note) {
  const li = document.createElement('li');
  li.className = 'note';
  li.dataset.noteId = note.id;
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = `Note · ${note.agent ? note.agent.displayName : 'a former colleague'} (not sent) · ${new Date(note.createdAt).toLocaleTimeString()}`;
  const body = document.createElement('span');
  body.className = 'body';
  body.textContent = note.body;
  li.append(meta, body);
  return li;
}

/** Puts the open conversation's notes among the rendered messages, each before the first later message. */
function interleaveNotes(list) {
  const items = [...list.children].map((li) => ({ li, at: (state.messages.get(li.dataset.messageId) || {}).createdAt || '' }));
  const notes = [...notebook.notes.values()].filter((n) => n.conversationId === state.current).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const note of notes) {
    const later = items.find((item) => item.at > note.createdAt);
    list.insertBefore(noteItem(note), later ? later.li : null);
  }
}

function setConversationExtras(conversation) {
  notebook.customer = conversation.customer;
  notebook.notes = new Map((conversation.notes || []).map((n) => [n.id, n]));
  $('note-error').textContent = '';
  $('canned-status').textContent = '';
  $('note-panel').hidden = false;
  $('canned-panel').hidden = false;
  loadCanned().catch(() => {});
}

async function reloadNotes(conversationId) {
  const { notes } = await api(`/api/conversations/${conversationId}/notes`);
  if (conversationId !== state.current) return;
  notebook.notes = new Map(notes.map((n) => [n.id, n]));
  renderMessages();
}

async function loadCanned() {
  const { cannedResponses } = await api('/api/canned-responses');
  notebook.canned = cannedResponses;
  const select = $('canned-select');
  const chosen = select.value;
  select.replaceChildren();
  for (const c of cannedResponses) {
    const option = document.createElement('option');
    option.value = c.id;
    option.textContent = c.team ? `${c.title} (${c.team.name})` : c.title;
    select.append(option);
  }
  if (!cannedResponses.length) {
    const none = document.createElement('option');
    none.value = '';
    none.textContent = 'None saved yet';
    select.append(none);
  }
  if (cannedResponses.some((c) => c.id === chosen)) select.value = chosen;
  $('canned-insert').disabled = cannedResponses.length === 0;
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;

function placeholderValues() {
  const name = notebook.customer && notebook.customer.displayName ? notebook.customer.displayName.trim().split(/\s+/)[0] : '';
  return { first_name: name, agent_name: notebook.agent ? notebook.agent.displayName : '' };
}

function insertCanned() {
  const canned = notebook.canned.find((c) => c.id === $('canned-select').value);
  if (!canned) return;
  const values = placeholderValues();
  const filled = canned.body.replace(PLACEHOLDER, (whole, key) => (Object.hasOwn(values, key) && values[key] ? values[key] : whole));
  const reply = $('reply-text');
  const start = reply.selectionStart;
  reply.setRangeText(filled, start, reply.selectionEnd, 'end');
  reply.focus();
  const left = [...filled.matchAll(PLACEHOLDER)].find((m) => Object.hasOwn(values, m[1]));
  if (left) {
    reply.setSelectionRange(start + left.index, start + left.index + left[0].length);
    $('canned-status').textContent = `Replace ${left[0]} in the reply before sending: the desk does not know it.`;
  } else {
    $('canned-status').textContent = `Inserted “${canned.title}” into the reply. Check it before sending.`;
  }
}

function startNotesAndCanned(socket, agent) {
  notebook.agent = agent;
  // Another agent's note: reload this conversation's notes (the event carries ids, never text).
  socket.on('conversation.updated', ({ conversationId }) => {
    if (conversationId === state.current) reloadNotes(conversationId).catch(() => {});
  });
}

$('note-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('note-error').textContent = '';
  const conversationId = state.current;
  const text = $('note-text').value.trim();
  if (!text) return void ($('note-error').textContent = 'Write the note first.');
  try {
    const { note } = await api(`/api/conversations/${conversationId}/notes`, { method: 'POST', body: JSON.stringify({ text }) });
    $('note-text').value = '';
    if (conversationId !== state.current) return;
    notebook.notes.set(note.id, note);
    renderMessages();
  } catch (error) {
    $('note-error').textContent = error.message;
  }
});

$('canned-form').addEventListener('submit', (event) => {
  event.preventDefault();
  insertCanned();
});

// Routing: my status, the conversations offered to me (each runs out, then goes to someone else), handing
// a conversation on (to a team or an agent, with a note) or closing it, and for supervisors the live
// queues and agents. Keys: Alt+A accepts the first offer, Alt+D declines it, Alt+S focuses my status.
const routing = { me: null, offers: new Map(), teams: [], agents: [], presenceChanges: 0 };

function whoHasIt(c) {
  if (c.assignedAgent) return ` · ${routing.me && c.assignedAgent.id === routing.me.id ? 'yours' : `with ${c.assignedAgent.displayName}`}`;
  if (c.waitingSince) return ` · waiting ${Math.max(0, Math.round((Date.now() - new Date(c.waitingSince).getTime()) / 60000))} min${c.team ? ` for ${c.team.name}` : ''}`;
  return '';
}

function secondsLeft(offer) {
  return Math.max(0, Math.round((new Date(offer.expiresAt).getTime() - Date.now()) / 1000));
}

function renderOffers() {
  const list = $('offer-list');
  list.replaceChildren();
  $('offers-empty').hidden = routing.offers.size > 0;
  for (const offer of routing.offers.values()) {
    const c = offer.conversation;
    const li = document.createElement('li');
    li.dataset.offerId = offer.id;
    if (c.urgent) li.className = 'urgent-offer';
    const who = document.createElement('strong');
    who.textContent = `${c.urgent ? 'URGENT · ' : ''}${contactLabel(c.customer)}`;
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = `${c.channel.toUpperCase()}${c.team ? ` · ${c.team.name}` : ''} · ${c.lastMessage ? c.lastMessage.body.slice(0, 120) : ''}`;
    const left = document.createElement('span');
    left.className = 'meta countdown';
    left.textContent = `Runs out in ${secondsLeft(offer)} s`;
    const accept = document.createElement('button');
    accept.type = 'button';
    accept.textContent = 'Accept';
    accept.setAttribute('aria-label', `Accept conversation with ${contactLabel(c.customer)}`);
    accept.addEventListener('click', () => answerOffer(offer, 'accept'));
    const decline = document.createElement('button');
    decline.type = 'button';
    decline.textContent = 'Decline';
    decline.setAttribute('aria-label', `Decline conversation with ${contactLabel(c.customer)}`);
    decline.addEventListener('click', () => answerOffer(offer, 'decline'));
    li.append(who, meta, left, accept, decline);
    list.append(li);
  }
}

// Only the countdown text changes each second: re-rendering would move keyboard focus.
function tickOffers() {
  for (const li of $('offer-list').children) {
    const offer = routing.offers.get(li.dataset.offerId);
    if (offer) li.querySelector('.countdown').textContent = `Runs out in ${secondsLeft(offer)} s`;
  }
}

async function answerOffer(offer, answer) {
  $('offer-error').textContent = '';
  try {
    const { conversationId } = await api(`/api/offers/${offer.id}/${answer}`, { method: 'POST' });
    routing.offers.delete(offer.id);
    renderOffers();
    if (answer === 'accept') {
      await loadConversations();
      await openConversation(conversationId);
    }
  } catch (error) {
    routing.offers.delete(offer.id);
    renderOffers();
    $('offer-error').textContent = error.message;
  }
}

function onOffer(offer) {
  routing.offers.set(offer.id, offer);
  renderOffers();
  $('offer-announce').textContent = `New ${offer.conversation.urgent ? 'urgent ' : ''}conversation offered: ${contactLabel(offer.conversation.customer)}, ${offer.conversation.channel}.`;
}

function onOfferEnded({ offerId, status }) {
  if (!routing.offers.delete(offerId)) return;
  renderOffers();
  if (status === 'expired') $('offer-announce').textContent = 'An offer ran out and went to someone else.';
  if (status === 'withdrawn') $('offer-announce').textContent = 'An offer was withdrawn: someone else has that conversation.';
}

const PRESENCE_NOTE = {
  available: 'You are offered conversations.',
  busy: 'You are not offered new conversations.',
  away: 'You are not offered new conversations.',
  offline: 'You are not offered new conversations.',
};

function renderMe(agent) {
  const changedByHub = routing.me && routing.me.presence === 'available' && agent.presence === 'away';
  routing.me = agent;
  $('presence').value = agent.presence;
  // Usable once the hub has said what it is: until then the list would show a status that may not be true.
  $('presence').disabled = false;
  $('presence-note').textContent = changedByHub ? 'An offer ran out, so you are set to Away.' : PRESENCE_NOTE[agent.presence];
}

function renderOverview({ queues, agents }) {
  const queueRows = queues.map((q) => {
    const tr = document.createElement('tr');
    const wait = q.longestWaitSince ? `${Math.max(0, Math.round((Date.now() - new Date(q.longestWaitSince).getTime()) / 60000))} min` : '–';
    for (const text of [q.name, String(q.waiting), String(q.urgent), wait]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  $('queue-table').tBodies[0].replaceChildren(...queueRows);
  const agentRows = agents.map((a) => {
    const tr = document.createElement('tr');
    const load = Object.entries(a.load).map(([channel, n]) => `${n} ${channel}`).join(', ') || 'none';
    for (const text of [a.displayName, a.presence, load]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  $('agent-table').tBodies[0].replaceChildren(...agentRows);
}

function renderHandover(conversation) {
  $('handover-panel').hidden = conversation.status !== 'open';
  $('assigned-to').textContent = conversation.assignedAgent
    ? `${routing.me && conversation.assignedAgent.id === routing.me.id ? 'You have' : `${conversation.assignedAgent.displayName} has`} this conversation.`
    : conversation.waitingSince
      ? `Waiting for a person${conversation.team ? ` in ${conversation.team.name}` : ''}.`
      : 'Nobody has this conversation yet.';
  const select = $('transfer-to');
  const options = [];
  for (const team of routing.teams) options.push(new Option(`Team: ${team.name}`, `team:${team.id}`));
  for (const agent of routing.agents) if (!routing.me || agent.id !== routing.me.id) options.push(new Option(`${agent.displayName} (${agent.presence})`, `agent:${agent.id}`));
  select.replaceChildren(...options);
  const met = $('needs-met');
  met.querySelectorAll('div').forEach((d) => d.remove());
  $('needs-met-empty').hidden = conversation.needs.length > 0;
  for (const need of conversation.needs) {
    const div = document.createElement('div');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = `met-${need.code}`;
    box.value = need.code;
    const label = document.createElement('label');
    label.htmlFor = box.id;
    label.textContent = need.label;
    div.append(box, label);
    met.append(div);
  }
}

async function loadRoutingLists() {
  const [{ teams }, { agents }] = await Promise.all([api('/api/teams'), api('/api/agents/directory')]);
  routing.teams = teams;
  routing.agents = agents;
}

function startRouting(socket, agent) {
  if (agent.role === 'service') return;
  $('me').hidden = false;
  const load = () => {
    // A status chosen while this was on its way wins over what it read.
    const changes = routing.presenceChanges;
    return api('/api/agents/me/routing')
      .then(({ agent: me, offers }) => {
        if (changes === routing.presenceChanges) renderMe(me);
        routing.offers = new Map(offers.map((o) => [o.id, o]));
        renderOffers();
      })
      .catch(() => {});
  };
  socket.on('connect', load);
  socket.on('desk.resync', load);
  socket.on('offer', onOffer);
  socket.on('offer.ended', onOfferEnded);
  socket.on('me.updated', renderMe);
  loadRoutingLists().catch(() => {});
  setInterval(tickOffers, 1000);
  if (agent.role === 'supervisor' || agent.role === 'admin') {
    $('supervisor').hidden = false;
    socket.on('supervisor.overview', renderOverview);
    const overview = () => api('/api/supervisor/overview').then(renderOverview).catch(() => {});
    socket.on('connect', overview);
    socket.on('desk.resync', overview);
  }

  $('presence').addEventListener('change', async () => {
    routing.presenceChanges += 1;
    try {
      const { agent: me } = await api('/api/agents/me/presence', { method: 'PUT', body: JSON.stringify({ presence: $('presence').value }) });
      renderMe(me);
      if (me.presence !== 'available') {
        routing.offers.clear();
        renderOffers();
      }
    } catch (error) {
      $('presence-note').textContent = error.message;
    }
  });

  $('transfer-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('transfer-error').textContent = '';
    const [kind, id] = $('transfer-to').value.split(':');
    try {
      await api(`/api/conversations/${state.current}/transfer`, { method: 'POST', body: JSON.stringify({ [kind === 'team' ? 'teamId' : 'agentId']: id, note: $('transfer-note').value }) });
      $('transfer-note').value = '';
      await openConversation(state.current);
      await loadConversations();
    } catch (error) {
      $('transfer-error').textContent = error.message;
    }
  });

  $('close-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('close-error').textContent = '';
    const needsMet = [...$('needs-met').querySelectorAll('input:checked')].map((box) => box.value);
    try {
      await api(`/api/conversations/${state.current}/close`, { method: 'POST', body: JSON.stringify({ outcome: $('close-outcome').value, needsMet }) });
      state.conversations.delete(state.current);
      state.current = null;
      $('conversation-title').textContent = 'Conversation closed. Choose another.';
      $('handover-panel').hidden = true;
      $('reply-form').hidden = true;
      $('messages').replaceChildren();
      renderList();
      await loadConversations();
    } catch (error) {
      $('close-error').textContent = error.message;
    }
  });

  document.addEventListener('keydown', (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const first = routing.offers.values().next().value;
    const key = event.key.toLowerCase();
    if (key === 'a' && first) answerOffer(first, 'accept');
    else if (key === 'd' && first) answerOffer(first, 'decline');
    else if (key === 's') $('presence').focus();
    else return;
    event.preventDefault();
  });
}
