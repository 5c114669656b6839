// The endpoint under attack, from a browser (issue 6, "The inbox"): a submission whose every string field
// carries a script payload is shown by the inbox as text and nothing runs — checked with the CSP header and
// <meta> stripped, so that escaping alone has to hold — and with the real headers no CSP violation is logged;
// the session cookie's flags as Chromium stores them; a cross-origin form POST (same site, and cross site)
// changes nothing; logout ends the session on the server; the demo page works under its header policy.
// Real patrol-server on a temporary SQLite database, headless Chromium (playwright-core + Debian's chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, apiAs, launchBrowser, watchedPage, login, serverBinary } from './inbox.helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// One marker per field: if any payload ran, a dialog with the marker would open.
const pay = (field) => `<img src=x onerror="alert('PWN-${field}')"><script>alert('PWN-${field}')</script>"'><svg onload=alert('PWN-${field}')>${field}`;
const UNIT = `<b onmouseover=alert('PWN-unit')>南署</b>`;

let server;
let browser;
let attackers = [];
let sup;
let officer;
let caseId;
const shown = {};

function addUser(name, role, unit) {
  const out = execFileSync(serverBinary(), ['user', 'add', '--database', server.database, '--name', name, '--role', role, '--unit', unit],
    { encoding: 'utf8' }).trim().split('\n');
  return { name, role, unit, token: out[out.length - 1].trim() };
}

/** A throw-away page server on another origin (the attacker's): `/` is the given page, anything else blank. */
async function attacker(html) {
  const srv = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(req.url === '/' ? html : '<!doctype html><title>blank</title>');
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  attackers.push(srv);
  return srv.address().port;
}

before(async () => {
  server = await startServer();
  sup = addUser(pay('supervisor_name'), 'supervisor', UNIT);
  officer = addUser(pay('reporter_name'), 'officer', UNIT);
  const post = {
    site: 'x',
    url: `https://x.com/attacker/status/1860000000000000042?q="><img src=x onerror=alert('PWN-url')>`,
    text: `JC2です。今週末会える人 ${pay('text')}`,
    author_handle: pay('author_handle'),
    author_name: pay('author_name'),
    board: pay('board'),
    post_no: pay('post_no'),
    post_id: pay('post_id'),
    profile: `中2 ${pay('profile')}`,
    profile_version: pay('profile_version'),
    media: [],
  };
  const analysis = {
    categories: ['child_sexual_contact'], minor: true, region: 'in', inquiry: false, ruleset: pay('ruleset'),
    urgency: { level: 'none', timing: [], specific: [], explicit: [], doubt: [] }, flags: [pay('flag')],
  };
  const r = await apiAs(server, officer, 'POST', '/api/submissions', {
    idempotency_key: 'apisec-every-field-0001', kind: 'case', post, analysis, note: pay('note'),
  });
  caseId = r.case_id;
  await apiAs(server, sup, 'POST', `/api/cases/${caseId}/return`, { comment: pay('comment') });
  for (const f of ['text', 'author_handle', 'author_name', 'board', 'post_no', 'note', 'comment']) shown[f] = pay(f);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const a of attackers) a.close();
  await server?.stop();
});

/** Serves the inbox without its CSP (header and <meta>): only the pages' own escaping stands between the data and the DOM. */
async function withoutCsp(context) {
  await context.route(/\/inbox\//, async (route) => {
    const res = await route.fetch();
    const headers = { ...res.headers() };
    delete headers['content-security-policy'];
    let body = await res.body();
    if ((headers['content-type'] || '').includes('text/html')) {
      body = Buffer.from(body.toString('utf8').replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/i, ''));
    }
    await route.fulfill({ status: res.status(), headers, body });
  });
}

async function injected(page) {
  return page.evaluate(() => {
    const bad = [...document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], [onmouseover], script:not([src])')];
    return bad.map((e) => e.outerHTML.slice(0, 120));
  });
}

test('every field of a hostile submission is shown as text and nothing runs, even without the CSP', async () => {
  const { context, page, events } = await watchedPage(browser);
  await withoutCsp(context);
  await login(page, server, sup);
  // The inbox list: the unit, the reporter and the excerpt come from the submission.
  const row = page.locator(`tr.case-row[data-case-id="${caseId}"]`);
  await row.waitFor({ timeout: 15000 });
  const rowText = await row.innerText();
  assert.ok(rowText.includes('JC2です。今週末会える人'), `the excerpt is listed: ${rowText}`);
  assert.ok((await page.locator('#who-name').innerText()).includes(sup.name), 'the signed-in name as text');
  assert.deepEqual(await injected(page), []);
  // The case in full.
  await page.goto(`${server.base}/inbox/#/case/${caseId}`);
  await page.locator('#author').waitFor({ timeout: 15000 });
  await page.waitForTimeout(500);
  const text = await page.locator('body').innerText();
  for (const [field, payload] of Object.entries(shown)) {
    assert.ok(text.includes(payload), `${field}: the payload is visible as text`);
  }
  assert.ok(text.includes(UNIT), 'the unit as text');
  assert.deepEqual(await injected(page), [], 'no element came from the data');
  assert.deepEqual(events.dialogs, [], 'no payload ran');
  assert.deepEqual(events.errors, []);
  await context.close();
});

test('with the real headers the inbox shows the hostile case without a single CSP violation', async () => {
  const { context, page, events } = await watchedPage(browser);
  const res = await page.goto(`${server.base}/inbox/`);
  const csp = res.headers()['content-security-policy'] || '';
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  await login(page, server, sup);
  await page.goto(`${server.base}/inbox/#/case/${caseId}`);
  await page.locator('#author').waitFor({ timeout: 15000 });
  await page.waitForTimeout(500);
  assert.ok((await page.locator('#author').innerText()).includes(shown.author_handle));
  const violations = events.console.filter((m) => /Content Security Policy|Refused to/.test(m));
  assert.deepEqual(violations, [], 'nothing tried to run inline');
  assert.deepEqual(events.dialogs, []);
  await context.close();
});

test('the session cookie is HttpOnly and SameSite=Strict, cross-origin form posts change nothing, logout ends the session', async () => {
  const { context, page } = await watchedPage(browser);
  await login(page, server, sup);
  const cookies = await context.cookies(server.base);
  const session = cookies.find((c) => c.name === 'patrol_session');
  assert.ok(session, JSON.stringify(cookies));
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(session.secure, false, 'plain http here; Secure behind https is checked in apisec_limits.rs');
  assert.equal(await page.evaluate(() => document.cookie.includes('patrol_session')), false, 'scripts cannot read it');

  const holdsBefore = (await apiAs(server, sup, 'GET', '/api/holds?all=true')).total;
  // The classic JSON-in-text/plain form CSRF, auto-submitted from another origin.
  const formPage = `<!doctype html><form method="POST" action="${server.base}/api/holds" enctype="text/plain">
    <input name='{"url":"https://x.com/csrf/status/1","reason":"csrf","contact":"x","pad":"' value='"}'></form>
    <script>document.forms[0].submit()</script>`;
  const port = await attacker(formPage);
  const results = {};
  for (const [site, origin] of [['same-site', `http://127.0.0.1:${port}`], ['cross-site', `http://localhost:${port}`]]) {
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${server.base}/api/holds` && r.request().method() === 'POST', { timeout: 15000 }),
      page.goto(`${origin}/`).catch(() => {}), // the form navigates away at once
    ]);
    results[site] = resp.status();
    // A script on the other origin cannot send the CSRF header either: the preflight is not answered.
    await page.goto(`${origin}/blank`);
    const fetched = await page.evaluate(async (base) => {
      try {
        const r = await fetch(`${base}/api/holds`, {
          method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': 'guess' },
          body: JSON.stringify({ url: 'https://x.com/csrf/status/2', reason: 'r', contact: 'c' }),
        });
        return `status ${r.status}`;
      } catch (e) {
        return `blocked: ${e.name}`;
      }
    }, server.base);
    assert.match(fetched, /^blocked/, `${site} fetch: ${fetched}`);
  }
  // Same site (another port): the browser sends the cookie, the missing CSRF header refuses it.
  // Cross site: SameSite=Strict keeps the cookie home, so the request is not even authenticated.
  assert.deepEqual(results, { 'same-site': 403, 'cross-site': 401 });
  assert.equal((await apiAs(server, sup, 'GET', '/api/holds?all=true')).total, holdsBefore, 'no hold was made');

  // Logout deletes the session on the server: the old cookie, replayed from outside the browser, is refused.
  await page.goto(`${server.base}/inbox/`);
  await page.locator('#logout').click();
  await page.locator('#token').waitFor();
  const replay = await fetch(`${server.base}/api/session`, { headers: { Cookie: `patrol_session=${session.value}` } });
  assert.equal(replay.status, 401);
  await context.close();
});

test('the demo page runs the analyzer under the endpoint\'s CSP header, a hostile paste stays text', async (t) => {
  if (!fs.existsSync(path.join(ROOT, 'www/demo/pkg/patrol_wasm_bg.wasm'))) {
    if (process.env.PATROL_TEST_SH) assert.fail('www/demo/pkg is missing: scripts/build-extension.sh fills it');
    t.skip('www/demo/pkg not built (scripts/build-extension.sh): the demo is not served yet');
    return;
  }
  const { context, page, events } = await watchedPage(browser);
  const res = await page.goto(`${server.base}/demo/`);
  const csp = res.headers()['content-security-policy'] || '';
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  await page.waitForSelector('body[data-ready]', { state: 'attached', timeout: 60000 });
  const payload = pay('demo');
  await page.fill('#text', `今夜、熊本の大甲橋から飛び降ります ${payload}`);
  await page.click('#run');
  await page.waitForFunction(() => /判定/.test(document.getElementById('status').textContent ?? ''));
  assert.match(await page.getAttribute('#result', 'data-categories'), /suicide_notice/);
  assert.ok((await page.textContent('#result .post-text')).includes(payload), 'the paste is shown as text');
  assert.deepEqual(await injected(page), []);
  const violations = events.console.filter((m) => /Content Security Policy|Refused to/.test(m));
  assert.deepEqual(violations, [], 'nothing the demo needs is blocked, nothing inline tried to run');
  assert.deepEqual(events.dialogs, []);
  assert.deepEqual(events.errors, []);
  await context.close();
});
