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
    preview.textContent = `${c.channel.toUpperCase()}${c.handler === 'bot' ? ' · with the bot' : ''} · ${c.lastMessage ? c.lastMessage.body.slice(0, 80) : ''}`;
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

async function openConversation(id) {
  state.current = id;
  const { conversation } = await api(`/api/conversations/${id}`);
  state.messages = new Map(conversation.messages.map((m) => [m.id, m]));
  renderNeeds(conversation);
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
  const socket = io('/desk', { withCredentials: true });
  socket.on('message.created', onMessage);
  socket.on('message.updated', onMessage);
  socket.on('call.updated', onCall);
  loadTaxonomy().catch(() => {});
  socket.on('conversation.updated', ({ conversationId }) => {
    loadConversations().catch(() => {});
    if (conversationId === state.current) api(`/api/conversations/${conversationId}`).then(({ conversation }) => renderNeeds(conversation)).catch(() => {});
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
