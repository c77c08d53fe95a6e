// contact-hub web chat widget. Add to any page with:
//   <script src="https://HUB/chat/widget.js" defer></script>
// "Leave quickly" goes to a harmless page (BBC Weather unless data-exit-url says otherwise), for someone who
// must hide what they are doing at once, as on UK domestic-abuse services' sites.
// Everything shown is set as text (never parsed as HTML), links included.
(function () {
  'use strict';
  var script = document.currentScript;
  var base = new URL(script ? script.src : '/chat/widget.js', window.location.href).origin;
  var STORE = 'contact-hub.chat';
  var EXIT_URL = (script && script.dataset.exitUrl) || 'https://www.bbc.co.uk/weather';

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  }
  function save(state) {
    try { localStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode: chat still works for this page */ }
  }
  function uuid() {
    return crypto.randomUUID();
  }

  var state = load();
  if (!state.visitorId) { state.visitorId = uuid(); }
  state.outbox = state.outbox || []; // messages not yet acknowledged: resent after a reconnect
  save(state);

  var css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = base + '/chat/widget.css';
  document.head.appendChild(css);

  var root = document.createElement('div');
  root.className = 'chub-root';
  root.innerHTML =
    '<button type="button" class="chub-launcher" aria-expanded="false" aria-controls="chub-panel">Chat with us</button>' +
    '<section id="chub-panel" class="chub-panel" role="dialog" aria-labelledby="chub-title" hidden>' +
    '  <header class="chub-header"><h2 id="chub-title">Chat with the council</h2>' +
    '    <button type="button" class="chub-exit">Leave quickly</button>' +
    '    <button type="button" class="chub-close">Close chat</button></header>' +
    '  <p class="chub-status" role="status"></p>' +
    '  <div class="chub-log" role="log" aria-live="polite" aria-label="Conversation"><ol class="chub-list"></ol></div>' +
    '  <div class="chub-suggestions" role="group" aria-label="Quick replies" hidden></div>' +
    '  <form class="chub-form">' +
    '    <label for="chub-text">Your message</label>' +
    '    <p class="chub-hint" id="chub-text-hint">Enter sends. Shift and Enter starts a new line.</p>' +
    '    <textarea id="chub-text" rows="3" maxlength="2000" required aria-describedby="chub-text-hint"></textarea>' +
    '    <p class="chub-error" role="alert"></p>' +
    '    <button type="submit">Send</button>' +
    '  </form>' +
    '  <details class="chub-link">' +
    '    <summary>Already in touch with us by text or email? Link this chat</summary>' +
    '    <form class="chub-link-phone">' +
    '      <label for="chub-phone">Your mobile number or email address</label>' +
    '      <input id="chub-phone" type="text" autocomplete="tel" required>' +
    '      <button type="submit">Text me a code</button>' +
    '    </form>' +
    '    <form class="chub-link-code" hidden>' +
    '      <label for="chub-code">The 6-digit code we sent you</label>' +
    '      <input id="chub-code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required>' +
    '      <button type="submit">Link this chat</button>' +
    '    </form>' +
    '    <p class="chub-link-status" role="status"></p>' +
    '  </details>' +
    '  <button type="button" class="chub-plan" hidden>See my plan</button>' +
    '</section>';
  document.body.appendChild(root);

  var launcher = root.querySelector('.chub-launcher');
  var panel = root.querySelector('.chub-panel');
  var log = root.querySelector('.chub-log');
  var list = root.querySelector('.chub-list');
  var statusLine = root.querySelector('.chub-status');
  var errorLine = root.querySelector('.chub-error');
  var input = root.querySelector('#chub-text');
  var suggestions = root.querySelector('.chub-suggestions');
  var shown = {}; // message ids already on screen

  function open() {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    input.focus();
    connect();
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }
  launcher.addEventListener('click', function () { panel.hidden ? open() : close(); });
  root.querySelector('.chub-close').addEventListener('click', close);
  // Hide the chat and replace this page in the history, so Back does not return to it.
  root.querySelector('.chub-exit').addEventListener('click', function () {
    panel.hidden = true;
    list.replaceChildren();
    window.location.replace(EXIT_URL);
  });
  panel.addEventListener('keydown', function (event) { if (event.key === 'Escape') close(); });

  function render(id, who, text, pending) {
    var item = shown[id];
    if (!item) {
      item = document.createElement('li');
      var name = document.createElement('span');
      name.className = 'chub-who';
      var body = document.createElement('span');
      body.className = 'chub-text';
      item.appendChild(name);
      item.appendChild(body);
      list.appendChild(item);
      shown[id] = item;
    }
    item.className = 'chub-' + who + (pending ? ' chub-pending' : '');
    item.querySelector('.chub-who').textContent = who === 'you' ? 'You: ' : 'Council: ';
    setText(item.querySelector('.chub-text'), text + (pending ? ' (sending…)' : ''));
    log.scrollTop = log.scrollHeight;
  }

  // Quick replies offered with the council's latest message (e.g. Yes / No); typing is always possible too.
  function offer(choices) {
    suggestions.replaceChildren();
    suggestions.hidden = !choices || !choices.length;
    // The buttons take room from the log: keep the message they answer in sight.
    log.scrollTop = log.scrollHeight;
    (choices || []).forEach(function (choice) {
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = choice;
      button.addEventListener('click', function () { send(choice); input.focus(); });
      suggestions.appendChild(button);
    });
  }

  // Text with web links made clickable, built node by node: nothing is ever parsed as HTML.
  function setText(element, text) {
    element.replaceChildren();
    text.split(/(https?:\/\/[^\s<>"']+)/).forEach(function (part, i) {
      if (i % 2 === 0) { if (part) element.appendChild(document.createTextNode(part)); return; }
      var link = document.createElement('a');
      link.href = part;
      link.textContent = part;
      link.rel = 'noopener noreferrer nofollow';
      link.target = '_blank';
      element.appendChild(link);
    });
  }

  var socket = null;
  function connect() {
    if (socket) return;
    var tag = document.createElement('script');
    tag.src = base + '/socket.io/socket.io.js';
    tag.onload = function () {
      // WebSocket only: it needs no CORS, so the widget works on the council's own site; the hub checks the Origin.
      socket = window.io(base + '/chat', { auth: { visitorId: state.visitorId }, transports: ['websocket'] });
      socket.on('connect', function () { statusLine.textContent = ''; });
      socket.on('disconnect', function () { statusLine.textContent = 'Reconnecting… your messages will be sent when we are back.'; });
      socket.on('connect_error', function (error) { statusLine.textContent = 'Cannot connect to the chat: ' + error.message; });
      socket.on('transcript', function (entries) {
        var received = {};
        entries.forEach(function (entry) {
          if (entry.direction === 'inbound') {
            var clientId = (entry.providerMessageId || '').split(':')[1];
            received[clientId] = true;
            render(clientId || entry.id, 'you', entry.text, false);
          } else {
            render(entry.id, 'council', entry.text, false);
            socket.emit('delivered', { id: entry.id });
          }
        });
        var last = entries[entries.length - 1];
        offer(last && last.direction === 'outbound' ? last.suggestions : null);
        // Anything we sent that the hub never acknowledged goes again, once, with the same id.
        state.outbox = state.outbox.filter(function (m) { return !received[m.clientMessageId]; });
        save(state);
        state.outbox.forEach(deliver);
      });
      var typingTimer = null;
      socket.on('typing', function () {
        statusLine.textContent = 'The council is typing…';
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { statusLine.textContent = ''; }, 5000);
      });
      socket.on('message', function (entry) {
        clearTimeout(typingTimer);
        statusLine.textContent = '';
        render(entry.id, 'council', entry.text, false);
        offer(entry.suggestions);
        socket.emit('delivered', { id: entry.id });
      });
    };
    document.head.appendChild(tag);
  }

  function deliver(message) {
    render(message.clientMessageId, 'you', message.text, true);
    if (!socket || !socket.connected) return; // sent from the outbox on reconnect
    socket.timeout(10000).emit('message', message, function (timeoutError, ack) {
      if (timeoutError) return; // still in the outbox: resent on reconnect
      if (ack.ok || !ack.retry) {
        state.outbox = state.outbox.filter(function (m) { return m.clientMessageId !== message.clientMessageId; });
        save(state);
      }
      if (ack.ok) render(message.clientMessageId, 'you', message.text, false);
      else errorLine.textContent = ack.error;
    });
  }

  var lastTyping = 0;
  input.addEventListener('input', function () {
    if (!socket || !socket.connected || Date.now() - lastTyping < 3000) return;
    lastTyping = Date.now();
    socket.emit('typing');
  });

  // Linking: the hub texts a code to the number; entering it joins this chat to the customer's record.
  var linkStatus = root.querySelector('.chub-link-status');
  var phoneForm = root.querySelector('.chub-link-phone');
  var codeForm = root.querySelector('.chub-link-code');
  function verify(event, payload, done) {
    if (!socket || !socket.connected) { linkStatus.textContent = 'Not connected. Please try again in a moment.'; return; }
    socket.timeout(15000).emit(event, payload, function (timeoutError, result) {
      if (timeoutError) { linkStatus.textContent = 'No answer. Please try again.'; return; }
      if (!result.ok) { linkStatus.textContent = result.error; return; }
      done(result);
    });
  }
  phoneForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var value = root.querySelector('#chub-phone').value.trim();
    var claim = value.indexOf('@') >= 0 ? { email: value } : { phone: value };
    verify('verify.start', claim, function () {
      phoneForm.hidden = true;
      codeForm.hidden = false;
      linkStatus.textContent = claim.email ? 'We have emailed you a code.' : 'We have texted you a code.';
      root.querySelector('#chub-code').focus();
    });
  });
  codeForm.addEventListener('submit', function (event) {
    event.preventDefault();
    verify('verify.check', { code: root.querySelector('#chub-code').value }, function (result) {
      codeForm.hidden = true;
      linkStatus.textContent = 'Done: this chat is now linked to your record, so we can see your earlier messages.';
      state.hasPlan = !!result.hasPlan;
      save(state);
      planButton.hidden = !state.hasPlan;
    });
  });
  // Once linked to a record with a plan: a link to it, sent in the chat (as "PLAN" by text gets one).
  var planButton = root.querySelector('.chub-plan');
  planButton.hidden = !state.hasPlan;
  planButton.addEventListener('click', function () { send('PLAN'); input.focus(); });

  function send(text) {
    var message = { clientMessageId: uuid(), text: text };
    state.outbox.push(message);
    save(state);
    offer(null);
    deliver(message);
  }

  // Enter sends, as in every chat people know; Shift+Enter is a new line. Not while an input method is
  // composing a word (Enter there picks the word).
  input.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    root.querySelector('.chub-form').requestSubmit();
  });

  root.querySelector('.chub-form').addEventListener('submit', function (event) {
    event.preventDefault();
    errorLine.textContent = '';
    var text = input.value.trim();
    if (!text) { errorLine.textContent = 'Type a message first.'; return; }
    input.value = '';
    send(text);
  });
})();
