// Switchboard's browser chat page: a small XMPP client over WebSocket (RFC 7395), no framework.
// Log in (SASL SCRAM via WebCrypto, RFC 5802/7677), bind, roster and presence (RFC 6121),
// add contacts, one-to-one chat, history from the archive (XEP-0313) and account creation
// (XEP-0077). Text from the network only ever reaches the page through textContent.
'use strict';

const NS = {
  framing: 'urn:ietf:params:xml:ns:xmpp-framing',
  streams: 'http://etherx.jabber.org/streams',
  sasl: 'urn:ietf:params:xml:ns:xmpp-sasl',
  bind: 'urn:ietf:params:xml:ns:xmpp-bind',
  client: 'jabber:client',
  roster: 'jabber:iq:roster',
  register: 'jabber:iq:register',
  registerFeature: 'http://jabber.org/features/iq-register',
  preApproval: 'urn:xmpp:features:pre-approval',
  discoInfo: 'http://jabber.org/protocol/disco#info',
  mam: 'urn:xmpp:mam:2',
  rsm: 'http://jabber.org/protocol/rsm',
  forward: 'urn:xmpp:forward:0',
  delay: 'urn:xmpp:delay',
  sid: 'urn:xmpp:sid:0',
  ping: 'urn:xmpp:ping',
  stanzas: 'urn:ietf:params:xml:ns:xmpp-stanzas',
  data: 'jabber:x:data',
};
const HISTORY_SIZE = 50;

// ---- XML: built as strings with every attribute and text escaped, parsed with DOMParser ----

function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** An element as XML text: attrs with undefined values are left out, string children are text. */
function el(name, attrs, ...children) {
  let s = '<' + name;
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) s += ' ' + k + '="' + esc(v) + '"';
  }
  if (children.length === 0) return { xml: s + '/>' };
  return { xml: s + '>' + children.map(c => (typeof c === 'string' ? esc(c) : c.xml)).join('') + '</' + name + '>' };
}

function child(parent, name, ns) {
  for (const c of parent.children) {
    if (c.localName === name && (ns === undefined || c.namespaceURI === ns)) return c;
  }
  return null;
}

function bare(jid) {
  const slash = (jid || '').indexOf('/');
  return slash < 0 ? jid : jid.substring(0, slash);
}

function b64(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

function unb64(text) {
  return Uint8Array.from(atob(text), c => c.charCodeAt(0));
}

const utf8 = s => new TextEncoder().encode(s);

// ---- SASL SCRAM (RFC 5802; SHA-256: RFC 7677) with WebCrypto ----

async function hmac(hash, key, data) {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, data));
}

async function scramKeys(hash, password, salt, iterations) {
  // The server stores the password bytes as sent (it applies no SASLprep), so none is applied here either.
  const base = await crypto.subtle.importKey('raw', utf8(password), 'PBKDF2', false, ['deriveBits']);
  const bits = hash === 'SHA-256' ? 256 : 160;
  const salted = new Uint8Array(await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash, salt, iterations }, base, bits));
  const clientKey = await hmac(hash, salted, utf8('Client Key'));
  const storedKey = new Uint8Array(await crypto.subtle.digest(hash, clientKey));
  const serverKey = await hmac(hash, salted, utf8('Server Key'));
  return { clientKey, storedKey, serverKey };
}

/** RFC 5802 §5.1: ',' and '=' in the user name are escaped. */
const saslName = user => user.replace(/=/g, '=3D').replace(/,/g, '=2C');

function parseScram(text) {
  const out = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.substring(0, eq)] = part.substring(eq + 1);
  }
  return out;
}

// ---- The connection ----

class XmppClient {
  constructor(url, domain, ui) {
    this.url = url;
    this.domain = domain;
    this.ui = ui;
    this.queue = [];      // elements received while nobody waits
    this.waiting = null;  // the resolver of next()
    this.pending = new Map(); // iq id -> {resolve, reject}
    this.mamQueries = new Map(); // queryid -> collected messages
    this.seq = 0;
    this.closed = false;
  }

  id() {
    return 'sb' + (++this.seq) + '-' + Math.random().toString(36).slice(2, 8);
  }

  open() {
    return new Promise((resolve, reject) => {
      // RFC 7395 §3.1: the subprotocol is 'xmpp'.
      this.ws = new WebSocket(this.url, 'xmpp');
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error('cannot connect to ' + this.url));
      this.ws.onmessage = ev => this.received(ev.data);
      this.ws.onclose = ev => {
        this.closed = true;
        this.deliver(null);
        for (const p of this.pending.values()) p.reject(new Error('connection closed'));
        this.pending.clear();
        if (this.onclose) this.onclose(ev);
      };
    });
  }

  send(element) {
    if (this.closed) throw new Error('not connected');
    this.ws.send(element.xml);
  }

  /** RFC 7395 §3.3.3: every WebSocket message is exactly one element with its own namespace declarations. */
  received(text) {
    const doc = new DOMParser().parseFromString(text, 'text/xml');
    if (doc.getElementsByTagName('parsererror').length > 0) {
      this.ui.error('The server sent something that is not XML');
      this.ws.close();
      return;
    }
    this.deliver(doc.documentElement);
  }

  deliver(element) {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(element);
    } else if (this.dispatch && element) {
      this.dispatch(element);
    } else {
      this.queue.push(element);
    }
  }

  /** The next element during negotiation; null when the connection closed. */
  next() {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift());
    if (this.closed) return Promise.resolve(null);
    return new Promise(resolve => { this.waiting = resolve; });
  }

  async expect(name, ns) {
    const e = await this.next();
    if (e === null) throw new Error('the server closed the connection');
    if (e.localName === 'error' && e.namespaceURI === NS.streams) throw new Error('stream error: ' + streamError(e));
    if (e.localName !== name || (ns && e.namespaceURI !== ns)) {
      throw new Error('expected <' + name + '/>, got <' + e.localName + '/>');
    }
    return e;
  }

  /** RFC 7395 §3.4: <open/> starts (and after SASL restarts, §3.7) the stream; features follow. */
  async startStream() {
    this.send(el('open', { xmlns: NS.framing, to: this.domain, version: '1.0' }));
    const open = await this.expect('open', NS.framing);
    if (open.getAttribute('version') !== '1.0') throw new Error('the server does not speak XMPP 1.0');
    return this.expect('features', NS.streams);
  }

  /** XEP-0077 §3.1 before authentication: requires wss, the server does not offer it over ws. */
  async register(features, user, password) {
    if (!child(features, 'register', NS.registerFeature)) {
      throw new Error('this server does not offer account creation here'
        + (location.protocol === 'https:' ? '' : ' (it needs https://, try the https address of this page)'));
    }
    const id = this.id();
    this.send(el('iq', { xmlns: NS.client, type: 'set', id },
      el('query', { xmlns: NS.register }, el('username', {}, user), el('password', {}, password))));
    const result = await this.expect('iq');
    if (result.getAttribute('type') !== 'result') throw new Error('account creation refused: ' + stanzaError(result));
  }

  async authenticate(features, user, password) {
    const mechs = child(features, 'mechanisms', NS.sasl);
    const offered = mechs ? Array.from(mechs.children).map(m => m.textContent.trim()) : [];
    const webCrypto = window.isSecureContext && window.crypto && crypto.subtle;
    const scram = ['SCRAM-SHA-256', 'SCRAM-SHA-1'].find(m => offered.includes(m));
    if (webCrypto && scram) {
      await this.scram(scram, scram === 'SCRAM-SHA-256' ? 'SHA-256' : 'SHA-1', user, password);
    } else if (offered.includes('PLAIN') && location.protocol === 'https:') {
      // Without WebCrypto (a page on plain http from another host) PLAIN is the only way, and the server offers
      // it only over wss (RFC 6120 §13.9.4), where the password is protected by TLS.
      this.send(el('auth', { xmlns: NS.sasl, mechanism: 'PLAIN' }, b64(utf8('\0' + user + '\0' + password))));
      const outcome = await this.next();
      if (!outcome || outcome.localName !== 'success') throw new Error('login failed: ' + saslFailure(outcome));
    } else if (!webCrypto) {
      throw new Error('This page cannot log in securely here: the browser offers WebCrypto only on https:// or '
        + 'http://127.0.0.1 (localhost). Open the page over https://.');
    } else {
      throw new Error('no usable login mechanism (server offers: ' + (offered.join(', ') || 'none') + ')');
    }
  }

  async scram(mechanism, hash, user, password) {
    const gs2 = 'n,,'; // no channel binding
    const cnonce = b64(crypto.getRandomValues(new Uint8Array(18)));
    const clientFirstBare = 'n=' + saslName(user) + ',r=' + cnonce;
    this.send(el('auth', { xmlns: NS.sasl, mechanism }, b64(utf8(gs2 + clientFirstBare))));
    const challenge = await this.next();
    if (!challenge || challenge.localName !== 'challenge') throw new Error('login failed: ' + saslFailure(challenge));
    const serverFirst = new TextDecoder().decode(unb64(challenge.textContent.trim()));
    const sf = parseScram(serverFirst);
    const iterations = parseInt(sf.i, 10);
    if (!sf.r || !sf.r.startsWith(cnonce) || !sf.s || !(iterations > 0)) throw new Error('bad SCRAM challenge');
    const finalBare = 'c=' + btoa(gs2) + ',r=' + sf.r;
    const authMessage = utf8(clientFirstBare + ',' + serverFirst + ',' + finalBare);
    const keys = await scramKeys(hash, password, unb64(sf.s), iterations);
    const signature = await hmac(hash, keys.storedKey, authMessage);
    const proof = keys.clientKey.map((b, i) => b ^ signature[i]);
    this.send(el('response', { xmlns: NS.sasl }, b64(utf8(finalBare + ',p=' + b64(proof)))));
    const outcome = await this.next();
    if (!outcome || outcome.localName !== 'success') throw new Error('login failed: ' + saslFailure(outcome));
    // RFC 5802 §3: the server proves it knows the password too; a server that cannot is not ours.
    const expected = b64(await hmac(hash, keys.serverKey, authMessage));
    const v = parseScram(new TextDecoder().decode(unb64(outcome.textContent.trim()))).v;
    if (v !== expected) throw new Error('the server failed to prove its identity (SCRAM server signature)');
  }

  async bind(features) {
    if (!child(features, 'bind', NS.bind)) throw new Error('the server offers no resource binding');
    const id = this.id();
    this.send(el('iq', { xmlns: NS.client, type: 'set', id },
      el('bind', { xmlns: NS.bind }, el('resource', {}, 'web-' + Math.random().toString(36).slice(2, 8)))));
    const result = await this.expect('iq');
    const jid = result.getAttribute('type') === 'result' && child(child(result, 'bind', NS.bind) || result, 'jid');
    if (!jid) throw new Error('resource binding failed: ' + stanzaError(result));
    return jid.textContent.trim();
  }

  /** From here on every element goes to dispatch; iq() answers come back through their ids. */
  run(dispatch) {
    this.dispatch = dispatch;
    while (this.queue.length > 0) {
      const e = this.queue.shift();
      if (e) dispatch(e);
    }
  }

  iq(type, to, payload) {
    const id = this.id();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send(el('iq', { xmlns: NS.client, type, id, to }, payload));
    });
  }

  answered(iq) {
    const p = this.pending.get(iq.getAttribute('id'));
    if (!p) return false;
    this.pending.delete(iq.getAttribute('id'));
    if (iq.getAttribute('type') === 'result') p.resolve(iq);
    else p.reject(new Error(stanzaError(iq)));
    return true;
  }

  /** RFC 7395 §3.6: the client closes with <close/>; the server answers <close/> and the WebSocket ends. */
  close() {
    if (!this.closed) {
      try { this.send(el('close', { xmlns: NS.framing })); } catch (e) { /* already gone */ }
      setTimeout(() => { if (!this.closed) this.ws.close(); }, 3000);
    }
  }
}

function streamError(e) {
  const c = Array.from(e.children).find(x => x.localName !== 'text');
  const text = Array.from(e.children).find(x => x.localName === 'text');
  return (c ? c.localName : 'unknown') + (text ? ' (' + text.textContent + ')' : '');
}

function stanzaError(stanza) {
  const error = child(stanza, 'error');
  if (!error) return 'unexpected answer';
  const c = Array.from(error.children).find(x => x.namespaceURI === NS.stanzas && x.localName !== 'text');
  const text = child(error, 'text', NS.stanzas);
  return (c ? c.localName : 'error') + (text ? ' (' + text.textContent + ')' : '');
}

function saslFailure(e) {
  if (!e) return 'connection closed';
  const c = Array.from(e.children).find(x => x.localName !== 'text');
  return c ? c.localName : e.localName;
}

// ---- The page ----

const $ = id => document.getElementById(id);

const state = {
  client: null,
  me: null,        // full JID
  contacts: new Map(), // bare JID -> {name, subscription, ask, resources: Set}
  chats: new Map(),    // bare JID -> [{from, to, body, out, history, sid}]
  historyLoaded: new Set(),
  mam: false,
  preApproval: false,
  selected: null,
};

const ui = {
  status(text) {
    $('status').textContent = text;
    $('status').className = '';
  },
  error(text) {
    $('status').textContent = text;
    $('status').className = 'error';
  },
};

function node(tag, text, className) {
  const n = document.createElement(tag);
  if (text !== undefined) n.textContent = text;
  if (className) n.className = className;
  return n;
}

function contact(jid) {
  if (!state.contacts.has(jid)) state.contacts.set(jid, { name: null, subscription: 'none', ask: null, resources: new Set() });
  return state.contacts.get(jid);
}

function renderRoster() {
  const list = $('roster');
  list.replaceChildren();
  for (const [jid, c] of [...state.contacts.entries()].sort()) {
    const online = c.resources.size > 0;
    const li = node('li', c.name || jid, online ? 'online' : 'offline');
    li.dataset.jid = jid;
    li.title = jid + ' (subscription: ' + c.subscription + (c.ask ? ', request sent' : '') + ')';
    li.append(node('span', online ? 'online' : (c.ask ? 'pending' : 'offline'), 'presence'));
    if (jid === state.selected) li.classList.add('selected');
    li.addEventListener('click', () => openChat(jid));
    list.append(li);
  }
}

function renderMessages() {
  const list = $('messages');
  list.replaceChildren();
  for (const m of state.chats.get(state.selected) || []) {
    const li = node('li', undefined, (m.out ? 'out' : 'in') + (m.history ? ' history' : ''));
    li.append(node('span', m.out ? 'me' : bare(m.from), 'who'), node('span', m.body, 'body'));
    list.append(li);
  }
  list.scrollTop = list.scrollHeight;
}

function addMessage(jid, m) {
  if (!state.chats.has(jid)) state.chats.set(jid, []);
  const list = state.chats.get(jid);
  if (m.sid && list.some(x => x.sid === m.sid)) return;
  list.push(m);
  if (jid === state.selected) renderMessages();
  else contact(jid);
  renderRoster();
}

async function openChat(jid) {
  state.selected = jid;
  $('chat-title').textContent = 'Chat with ' + jid;
  $('send-form').hidden = false;
  renderRoster();
  renderMessages();
  $('text').focus();
  if (state.mam && !state.historyLoaded.has(jid)) {
    state.historyLoaded.add(jid);
    try {
      await loadHistory(jid);
    } catch (e) {
      ui.error('Could not load history: ' + e.message);
    }
  }
}

/** XEP-0313 §4: the last page of the archive with one contact (RSM, XEP-0059: an empty <before/>). */
async function loadHistory(jid) {
  const client = state.client;
  const queryid = client.id();
  const archived = []; // filled by mamResult() while the query runs
  client.mamQueries.set(queryid, archived);
  const form = el('x', { xmlns: NS.data, type: 'submit' },
    el('field', { var: 'FORM_TYPE', type: 'hidden' }, el('value', {}, NS.mam)),
    el('field', { var: 'with' }, el('value', {}, jid)));
  try {
    await client.iq('set', undefined, el('query', { xmlns: NS.mam, queryid }, form,
      el('set', { xmlns: NS.rsm }, el('max', {}, String(HISTORY_SIZE)), el('before', {}))));
  } finally {
    client.mamQueries.delete(queryid);
  }
  const live = (state.chats.get(jid) || []).filter(m => !archived.some(a => a.sid && a.sid === m.sid));
  state.chats.set(jid, archived.concat(live));
  if (state.selected === jid) renderMessages();
  ui.status(archived.length + ' earlier message(s) with ' + jid);
}

function mamResult(message) {
  const result = child(message, 'result', NS.mam);
  const collected = result && state.client.mamQueries.get(result.getAttribute('queryid'));
  const forwarded = result && child(result, 'forwarded', NS.forward);
  const original = forwarded && child(forwarded, 'message');
  // XEP-0313 §4.2: only results from our own archive (no 'from', or our bare JID) are trusted.
  const from = message.getAttribute('from');
  if (!collected || !original || (from && from !== bare(state.me))) return;
  const body = child(original, 'body');
  if (!body) return;
  const out = bare(original.getAttribute('from')) === bare(state.me);
  collected.push({ from: original.getAttribute('from'), body: body.textContent, out, history: true,
    sid: result.getAttribute('id') });
}

function onMessage(message) {
  if (child(message, 'result', NS.mam)) return mamResult(message);
  const body = child(message, 'body');
  const type = message.getAttribute('type') || 'normal';
  if (type === 'error') {
    ui.error('Message to ' + message.getAttribute('from') + ' failed: ' + stanzaError(message));
    return;
  }
  if (!body || (type !== 'chat' && type !== 'normal')) return;
  const from = message.getAttribute('from');
  const sidEl = Array.from(message.children).find(c => c.localName === 'stanza-id' && c.namespaceURI === NS.sid
    && c.getAttribute('by') === bare(state.me));
  addMessage(bare(from), { from, body: body.textContent, out: false, sid: sidEl && sidEl.getAttribute('id') });
}

function onPresence(p) {
  const from = p.getAttribute('from');
  const jid = bare(from);
  const type = p.getAttribute('type');
  if (!from || jid === bare(state.me)) return;
  if (type === 'subscribe') {
    showRequest(jid);
  } else if (type === 'unavailable') {
    contact(jid).resources.delete(from);
  } else if (!type) {
    contact(jid).resources.add(from);
  } else if (type === 'error') {
    ui.error('Presence error from ' + jid + ': ' + stanzaError(p));
  }
  renderRoster();
}

/** RFC 6121 §3.1.3: the user decides; accepting also subscribes back so both see each other. */
function showRequest(jid) {
  if ($('requests').querySelector('[data-jid="' + CSS.escape(jid) + '"]')) return;
  const box = node('div');
  box.dataset.jid = jid;
  const accept = node('button', 'Accept', 'accept');
  const decline = node('button', 'Decline', 'decline');
  accept.type = decline.type = 'button';
  box.append(node('span', jid + ' wants to add you. '), accept, decline);
  accept.addEventListener('click', () => {
    state.client.send(el('presence', { xmlns: NS.client, to: jid, type: 'subscribed' }));
    const c = contact(jid);
    if (c.subscription !== 'to' && c.subscription !== 'both' && !c.ask) {
      state.client.send(el('presence', { xmlns: NS.client, to: jid, type: 'subscribe' }));
    }
    box.remove();
  });
  decline.addEventListener('click', () => {
    state.client.send(el('presence', { xmlns: NS.client, to: jid, type: 'unsubscribed' }));
    box.remove();
  });
  $('requests').append(box);
}

function applyRosterItems(query) {
  for (const item of query.children) {
    if (item.localName !== 'item') continue;
    const jid = item.getAttribute('jid');
    if (item.getAttribute('subscription') === 'remove') {
      state.contacts.delete(jid);
      continue;
    }
    const c = contact(jid);
    c.name = item.getAttribute('name');
    c.subscription = item.getAttribute('subscription') || 'none';
    c.ask = item.getAttribute('ask');
  }
  renderRoster();
}

function onIq(iq) {
  const type = iq.getAttribute('type');
  if ((type === 'result' || type === 'error') && state.client.answered(iq)) return;
  if (type !== 'get' && type !== 'set') return;
  const from = iq.getAttribute('from');
  const reply = (t, ...payload) => state.client.send(el('iq', { xmlns: NS.client, type: t, id: iq.getAttribute('id'), to: from }, ...payload));
  const query = child(iq, 'query', NS.roster);
  // RFC 6121 §2.1.6: roster pushes come from our own account (or carry no 'from'); others are ignored.
  if (type === 'set' && query && (!from || from === bare(state.me))) {
    applyRosterItems(query);
    reply('result');
  } else if (type === 'get' && child(iq, 'ping', NS.ping)) {
    reply('result'); // XEP-0199
  } else {
    // RFC 6120 §8.4: a request nobody here understands gets an error, never silence.
    reply('error', el('error', { type: 'cancel' }, el('service-unavailable', { xmlns: NS.stanzas })));
  }
}

function dispatch(e) {
  if (e.namespaceURI === NS.framing && e.localName === 'close') {
    ui.error('The server closed the session' + (e.getAttribute('see-other-uri') ? ' (moved)' : ''));
  } else if (e.namespaceURI === NS.streams && e.localName === 'error') {
    ui.error('Disconnected: ' + streamError(e));
  } else if (e.localName === 'message') {
    onMessage(e);
  } else if (e.localName === 'presence') {
    onPresence(e);
  } else if (e.localName === 'iq') {
    onIq(e);
  }
}

function endpoint() {
  // Same origin: the page is served by the connector that also speaks RFC 7395 at /xmpp-websocket.
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/xmpp-websocket';
}

async function defaultDomain() {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error('cannot read config.json: HTTP ' + response.status);
  return (await response.json()).domain;
}

async function start(registerFirst) {
  const jidText = $('jid').value.trim();
  const password = $('password').value;
  const at = jidText.indexOf('@');
  const user = at < 0 ? jidText : jidText.substring(0, at);
  ui.status('Connecting…');
  $('login').disabled = $('register').disabled = true;
  try {
    const domain = at < 0 ? await defaultDomain() : jidText.substring(at + 1);
    if (!user || !domain) throw new Error('enter an address like user@' + (domain || 'example.com'));
    const client = new XmppClient(endpoint(), domain, ui);
    state.client = client;
    await client.open();
    let features = await client.startStream();
    if (registerFirst) {
      await client.register(features, user, password);
      ui.status('Account created, logging in…');
    }
    await client.authenticate(features, user, password);
    features = await client.startStream();
    state.me = await client.bind(features);
    state.preApproval = !!child(features, 'sub', NS.preApproval);
    client.onclose = () => {
      if (!client.loggingOut && !$('status').classList.contains('error')) ui.error('Disconnected');
      showLogin();
    };
    client.run(dispatch);
    await enterChat();
  } catch (e) {
    ui.error(e.message);
    if (state.client) state.client.close();
    showLogin();
  } finally {
    $('login').disabled = $('register').disabled = false;
  }
}

async function enterChat() {
  const client = state.client;
  $('me').textContent = state.me;
  $('login-view').hidden = true;
  $('chat-view').hidden = false;
  $('logout').hidden = false;
  state.contacts.clear();
  state.chats.clear();
  state.historyLoaded.clear();
  state.selected = null;
  // RFC 6121 §2.2: the roster first, then initial presence, so every presence that follows has a contact to land on.
  const roster = await client.iq('get', undefined, el('query', { xmlns: NS.roster }));
  applyRosterItems(child(roster, 'query', NS.roster) || roster);
  client.send(el('presence', { xmlns: NS.client }));
  try {
    // XEP-0313 §7: the archive is announced on the account's own bare JID.
    const info = await client.iq('get', bare(state.me), el('query', { xmlns: NS.discoInfo }));
    const q = child(info, 'query', NS.discoInfo);
    state.mam = !!q && Array.from(q.children).some(f => f.localName === 'feature' && f.getAttribute('var') === NS.mam);
  } catch (e) {
    state.mam = false;
  }
  ui.status('Logged in as ' + state.me + (state.mam ? '' : ' (no history on this server)'));
}

function showLogin() {
  $('login-view').hidden = false;
  $('chat-view').hidden = true;
  $('logout').hidden = true;
  $('me').textContent = '';
}

function addContact(jid) {
  const client = state.client;
  if (!jid || jid.indexOf('@') < 0 || jid === bare(state.me)) {
    ui.error('Enter a contact address like friend@' + bare(state.me).split('@')[1]);
    return;
  }
  client.iq('set', undefined, el('query', { xmlns: NS.roster }, el('item', { jid })))
    .catch(e => ui.error('Could not add ' + jid + ': ' + e.message));
  // RFC 6121 §3.4: approve their request in advance, so subscribing back makes it mutual without another prompt.
  const c = contact(jid);
  if (state.preApproval && c.subscription !== 'from' && c.subscription !== 'both') {
    client.send(el('presence', { xmlns: NS.client, to: jid, type: 'subscribed' }));
  }
  client.send(el('presence', { xmlns: NS.client, to: jid, type: 'subscribe' }));
  ui.status('Asked ' + jid + ' to share presence');
}

function sendMessage(text) {
  const to = state.selected;
  state.client.send(el('message', { xmlns: NS.client, to, type: 'chat', id: state.client.id() }, el('body', {}, text)));
  addMessage(to, { from: state.me, body: text, out: true });
}

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', ev => { ev.preventDefault(); start(false); });
  $('register').addEventListener('click', () => {
    if ($('login-form').reportValidity()) start(true);
  });
  $('add-form').addEventListener('submit', ev => {
    ev.preventDefault();
    addContact($('add-jid').value.trim());
    $('add-jid').value = '';
  });
  $('send-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const text = $('text').value;
    if (text.trim()) sendMessage(text);
    $('text').value = '';
  });
  $('logout').addEventListener('click', () => {
    ui.status('Logged out');
    if (state.client) {
      state.client.loggingOut = true;
      state.client.close();
    }
  });
  if (!window.isSecureContext && location.protocol !== 'https:') {
    ui.error('This page is not a secure context (plain http on ' + location.hostname + '): it cannot log in. '
      + 'Open it over https:// or on http://127.0.0.1.');
  }
});
