// SPDX-License-Identifier: Apache-2.0
// A sibling site plants session cookies for the parent domain, and a real
// browser (Debian's chromium driven by playwright-core) then visits an
// https site protected by mod_okta_authcode (t/browser/cookies.t):
//
//   node tests/browser/cookies.mjs https://app.example.test:PORT https://evil.example.test:PORT
//
// *.example.test resolves to 127.0.0.1 (--host-resolver-rules); the test
// server's certificate is not for those names, so certificate errors are
// ignored.  An "attacker" signs in first and its session id is planted in
// the "victim's" browser as okta_session and __Host-okta_session with
// Domain=example.test.  Prints one JSON line with what it saw; exits 0 only
// if every check held (1 on a failed check, 2 on a usage error or timeout).
import { createRequire } from 'node:module';
import * as fs from 'node:fs';

const require = createRequire(new URL('../provider/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.OKTA_TEST_CHROMIUM || '/usr/bin/chromium';
const OVERALL_MS = 90000; // margins for a sanitized apache2 on a busy machine
const STEP_MS = 30000;

const result = { ok: false, checks: {}, failed: [] };
let browser;

function finish(code) {
  result.ok = code === 0 && result.failed.length === 0;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(result.ok ? 0 : (code || 1));
}

function check(name, seen, good) {
  result.checks[name] = seen;
  if (!good) result.failed.push(name);
  return good;
}

const [app, evil] = process.argv.slice(2).map((u) => { try { return new URL(u).origin; } catch { return undefined; } });
if (!app || !evil || process.argv.length !== 4) {
  result.error = 'usage: node cookies.mjs https://app.example.test:PORT https://evil.example.test:PORT';
  finish(2);
}

const overall = setTimeout(async () => {
  result.error = `timed out after ${OVERALL_MS / 1000} s`;
  try { await browser?.close(); } catch { /* exiting anyway */ }
  finish(2);
}, OVERALL_MS);

// A new browser profile's page, with every response's URL and status kept.
async function freshPage() {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.setDefaultNavigationTimeout(STEP_MS);
  page.seen = [];
  page.on('response', (res) => page.seen.push(`${res.status()} ${res.url()}`));
  return { context, page };
}

const remoteUser = async (page) => ((await page.textContent('body')) ?? '').match(/^REMOTE_USER=(.*)$/m)?.[1];
const sessionCookies = async (context) => (await context.cookies(app))
  .filter((c) => /okta_session$/.test(c.name))
  .map((c) => ({ name: c.name, domain: c.domain, value: c.value }));

async function run() {
  if (!check('chromium_present', fs.existsSync(CHROMIUM), fs.existsSync(CHROMIUM))) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package`);
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_MS,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP *.example.test 127.0.0.1'],
  });

  // the attacker signs in (the fake provider needs no form)
  const attacker = await freshPage();
  await attacker.page.goto(`${app}/app/attacker`);
  check('attacker_signed_in', await remoteUser(attacker.page), (await remoteUser(attacker.page)) === 'mallory-sub');
  const [own] = (await attacker.context.cookies(app)).filter((c) => c.name.endsWith('okta_session'));
  check('cookie_name', own?.name, own?.name === '__Host-okta_session');
  check('cookie_attributes', own && { domain: own.domain, path: own.path, secure: own.secure, httpOnly: own.httpOnly, sameSite: own.sameSite },
    own?.domain === new URL(app).hostname && own?.path === '/' && own?.secure && own?.httpOnly && own?.sameSite === 'Lax');

  // the sibling plants the attacker's session id for the whole domain
  const victim = await freshPage();
  await victim.page.goto(`${evil}/plant-cookie?id=${own?.value ?? 'none'}`);
  const planted = await sessionCookies(victim.context);
  check('planted', planted, planted.length === 1 && planted[0].name === 'okta_session'
    && planted[0].domain === '.example.test');

  // the victim visits the site: not the attacker's session; signs in
  victim.page.seen.length = 0;
  await victim.page.goto(`${app}/app/victim`);
  const provider = victim.page.seen.find((line) => /\/authorize\?/.test(line));
  check('victim_sent_to_sign_in', provider ?? null, Boolean(provider));
  check('victim_signed_in', await remoteUser(victim.page), (await remoteUser(victim.page)) === 'mallory-sub');
  const after = await sessionCookies(victim.context);
  const mine = after.find((c) => c.name === '__Host-okta_session');
  check('victim_own_session', mine ? { domain: mine.domain, attackers: mine.value === own?.value } : null,
    Boolean(mine) && mine.value !== own?.value && mine.domain === new URL(app).hostname);

  // and stays signed in beside the planted cookie: no loop through sign-in
  victim.page.seen.length = 0;
  await victim.page.goto(`${app}/app/victim?again=1`);
  check('victim_again', victim.page.seen, victim.page.seen.length === 1 && /^200 /.test(victim.page.seen[0]));
}

run().then(async () => {
  clearTimeout(overall);
  await browser.close();
  finish(0);
}, async (err) => {
  result.error = String(err?.stack ?? err);
  clearTimeout(overall);
  try { await browser?.close(); } catch { /* exiting anyway */ }
  finish(1);
});
