// Two browser pages against a running Switchboard: alice on http://127.0.0.1 (ws://, SCRAM via
// WebCrypto: 127.0.0.1 is a secure context) and bob on https:// (wss://, where account creation,
// XEP-0077, is offered). They add each other, see each other online, chat both ways; alice reloads
// and sees the conversation again from the archive (XEP-0313). Screenshots go to the output dir.
// Exits non-zero with the failed step on any failure, including a script error or a CSP violation.
//
// usage: node two-users-chat.mjs <node work dir with playwright-core> <http base> <https base> <out dir>
//   env: ALICE_PASSWORD (alice exists already), BOB_PASSWORD (bob is created by the page), CHROMIUM
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const [workDir, httpBase, httpsBase, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: two-users-chat.mjs <work dir> <http base> <https base> <out dir>');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(workDir), 'package.json'));
const { chromium } = require('playwright-core');

const WAIT = 20_000;
const domain = 'localhost';
const alice = 'alice', bob = 'bob';
const aliceJid = `${alice}@${domain}`, bobJid = `${bob}@${domain}`;
// Markup and entities in chat text must arrive as text, never as elements.
const hello = 'hello <b>bob</b> & "friends"';
const reply = 'hi alice, seen: ' + hello.length;

let step = 'start';
const problems = [];

function watch(page, who) {
  page.on('pageerror', e => problems.push(`${who}: script error: ${e.message}`));
  page.on('console', m => {
    console.log(`[${who} console.${m.type()}] ${m.text()}`);
    if (m.type() === 'error') problems.push(`${who}: console error: ${m.text()}`);
  });
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function login(page, jid, password, createAccount) {
  await page.fill('#jid', jid);
  await page.fill('#password', password);
  await page.click(createAccount ? '#register' : '#login');
  try {
    await page.waitForFunction(() => /^[^@]+@[^/]+\/.+/.test(document.getElementById('me').textContent),
      null, { timeout: WAIT });
  } catch (e) {
    throw new Error(`login did not finish; status: "${await page.textContent('#status')}"`);
  }
}

async function messages(page) {
  return page.$$eval('#messages li', items => items.map(li => ({
    cls: li.className, body: li.querySelector('.body').textContent,
  })));
}

async function waitForMessage(page, body, cls) {
  await page.waitForFunction(([b, c]) => [...document.querySelectorAll('#messages li')]
    .some(li => li.classList.contains(c) && li.querySelector('.body').textContent === b), [body, cls],
  { timeout: WAIT });
}

let a = null, b = null;

async function main() {
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
  });
  try {
    const aliceContext = await browser.newContext();
    // The test server's certificate is self-signed; bob's page is https only so that it gets wss.
    const bobContext = await browser.newContext({ ignoreHTTPSErrors: true });
    a = await aliceContext.newPage();
    b = await bobContext.newPage();
    watch(a, 'alice');
    watch(b, 'bob');

    step = 'open the page over http: / redirects to /chat/ with the security headers';
    const response = await a.goto(httpBase + '/', { waitUntil: 'load' });
    check(new URL(a.url()).pathname === '/chat/', `expected a redirect to /chat/, at ${a.url()}`);
    const headers = response.headers();
    check((headers['content-security-policy'] || '').includes("default-src 'self'"), `CSP missing: ${JSON.stringify(headers)}`);
    check(headers['x-content-type-options'] === 'nosniff', 'X-Content-Type-Options: nosniff missing');
    check((headers['content-type'] || '').startsWith('text/html'), `content type ${headers['content-type']}`);

    step = 'alice logs in over ws:// (SCRAM with WebCrypto; no @domain typed: config.json supplies it)';
    await login(a, alice, process.env.ALICE_PASSWORD, false);
    check((await a.textContent('#me')).startsWith(aliceJid + '/'), 'alice is bound to the wrong JID');

    step = 'bob creates his account over wss:// (XEP-0077) and is logged in';
    await b.goto(httpsBase + '/chat/', { waitUntil: 'load' });
    await login(b, bobJid, process.env.BOB_PASSWORD, true);

    step = 'alice adds bob; bob accepts the request';
    await a.fill('#add-jid', bobJid);
    await a.click('#add');
    await b.click(`#requests [data-jid="${aliceJid}"] button.accept`, { timeout: WAIT });

    step = 'both see each other online (RFC 6121 presence after the mutual subscription)';
    await a.waitForSelector(`#roster li.online[data-jid="${bobJid}"]`, { timeout: WAIT });
    await b.waitForSelector(`#roster li.online[data-jid="${aliceJid}"]`, { timeout: WAIT });

    step = 'alice writes to bob';
    await a.click(`#roster li[data-jid="${bobJid}"]`);
    await a.fill('#text', hello);
    await a.click('#send');
    await waitForMessage(a, hello, 'out');

    step = 'bob sees alice\'s message, as text';
    await b.click(`#roster li[data-jid="${aliceJid}"]`);
    await waitForMessage(b, hello, 'in');
    check(await b.$$eval('#messages b', n => n.length) === 0, 'markup in a message became an element');

    step = 'bob answers; alice sees it';
    await b.fill('#text', reply);
    await b.click('#send');
    await waitForMessage(a, reply, 'in');
    const bobSees = await messages(b);
    check(bobSees.filter(m => m.body === hello).length === 1, `bob sees alice's message ${bobSees.length} times`);

    step = 'alice reloads and logs in again: the conversation comes back from the archive (XEP-0313)';
    await a.reload({ waitUntil: 'load' });
    await login(a, aliceJid, process.env.ALICE_PASSWORD, false);
    await a.waitForSelector(`#roster li.online[data-jid="${bobJid}"]`, { timeout: WAIT });
    await a.click(`#roster li[data-jid="${bobJid}"]`);
    await waitForMessage(a, hello, 'history');
    await waitForMessage(a, reply, 'history');
    const history = (await messages(a)).map(m => m.body);
    check(history.indexOf(hello) < history.indexOf(reply), `history out of order: ${JSON.stringify(history)}`);
    check(history.length === 2, `expected exactly the 2 messages, got ${JSON.stringify(history)}`);

    step = 'screenshots';
    await a.screenshot({ path: path.join(outDir, 'chat.png'), fullPage: true });
    await b.screenshot({ path: path.join(outDir, 'chat-bob.png'), fullPage: true });

    step = 'no script errors and no CSP violations on either page';
    check(problems.length === 0, problems.join('\n'));
  } catch (e) {
    // What the pages showed when it went wrong is usually the quickest diagnosis.
    for (const [page, name] of [[a, 'failure-alice.png'], [b, 'failure-bob.png']]) {
      if (page) await page.screenshot({ path: path.join(outDir, name), fullPage: true }).catch(() => {});
    }
    throw e;
  } finally {
    await browser.close();
  }
}

main().then(() => {
  console.log('two-users-chat: OK');
}, async e => {
  console.error(`two-users-chat: FAILED at step "${step}": ${e.message}`);
  if (problems.length > 0) console.error(problems.join('\n'));
  process.exit(1);
});
