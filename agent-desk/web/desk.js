// The minimal desk: sign in, see open conversations live, read one, reply. Text is always set with
// textContent, never parsed as HTML: customers' words are shown exactly as written.
'use strict';

const state = { conversations: new Map(), current: null, messages: new Map() };
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
    preview.textContent = `${c.channel.toUpperCase()} · ${c.lastMessage ? c.lastMessage.body.slice(0, 80) : ''}`;
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
    meta.textContent = `${m.direction === 'inbound' ? 'Customer' : 'You'} · ${m.channel.toUpperCase()} · ${statusText(m)}`;
    li.append(body, meta);
    list.append(li);
  }
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
  // After a reconnect (ours, or the server's to Redis), reload: missed events are not replayed.
  const resync = () => {
    loadConversations().catch(() => {});
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
