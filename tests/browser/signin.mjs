// SPDX-License-Identifier: Apache-2.0
// Signs in with a real browser (Debian's chromium driven by playwright-core)
// at a page protected by mod_okta_authcode, through the real test provider,
// then signs out.
//
//   node tests/browser/signin.mjs http://localhost:PORT/app/browser
//
// The page is on localhost and the provider on 127.0.0.1, two different
// sites, so the browser applies its SameSite rules to the module's cookies
// as it would in production.  Prints one JSON line with what it saw and
// exits 0 only if every step went as expected (1 on a failed check, 2 on a
// usage error or timeout).  Needs /usr/bin/chromium (Debian: chromium).
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const require = createRequire(new URL('../provider/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.OKTA_TEST_CHROMIUM || '/usr/bin/chromium';
const PROVIDER = process.env.OKTA_OP_ISSUER || 'http://127.0.0.1:8601';
const USER = 'alice';
const PASSWORD = 'alice-password';
const OVERALL_MS = 90000; // margins for a sanitized apache2 on a busy machine
const STEP_MS = 30000;

const result = { ok: false, url: process.argv[2], checks: {}, failed: [] };
let browser;
let profile;

function finish(code) {
  result.ok = code === 0 && result.failed.length === 0;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
  process.exit(result.ok ? 0 : (code || 1));
}

// A check records what was seen and whether it was what we wanted.
function check(name, seen, good) {
  result.checks[name] = seen;
  if (!good) result.failed.push(name);
  return good;
}

const target = (() => {
  try {
    return new URL(process.argv[2]);
  } catch {
    return undefined;
  }
})();
if (!target || process.argv.length !== 3) {
  result.error = 'usage: node signin.mjs http://localhost:PORT/app/browser';
  finish(2);
}
const app = target.origin;
const provider = new URL(PROVIDER).origin;

const overall = setTimeout(async () => {
  result.error = `timed out after ${OVERALL_MS / 1000} s`;
  try { await browser?.close(); } catch { /* exiting anyway */ }
  finish(2);
}, OVERALL_MS);

async function run() {
  if (!check('chromium_present', fs.existsSync(CHROMIUM), fs.existsSync(CHROMIUM))) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package`);
  }
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-browser-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_MS,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] ?? await browser.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.setDefaultNavigationTimeout(STEP_MS);

  // 1. The protected page sends the browser to the provider's login form.
  await page.goto(target.href);
  await page.waitForSelector('#login-form');
  check('login_at', new URL(page.url()).origin, new URL(page.url()).origin === provider);

  // 2. Sign in; the provider sends the browser back to the page.
  await page.fill('#username', USER);
  await page.fill('#password', PASSWORD);
  await Promise.all([
    page.waitForURL((u) => u.origin === app),
    page.click('#sign-in'),
  ]);
  await page.waitForLoadState('load');
  check('back_at', page.url(), page.url() === target.href);
  const text = await page.innerText('body');
  const user = /^REMOTE_USER=(.*)$/m.exec(text)?.[1] ?? null;
  check('remote_user', user, user === USER);
  const session = (await browser.cookies(app)).find((c) => c.name === 'okta_session');
  check('session_cookie', session ? { httpOnly: session.httpOnly, sameSite: session.sameSite } : null,
    !!session && session.httpOnly && session.sameSite === 'Lax');

  // 3. Sign out: the module sends the browser to the provider, which asks.
  await page.goto(`${app}/logout`);
  await page.waitForSelector('#logout-yes');
  check('logout_confirm_at', new URL(page.url()).origin, new URL(page.url()).origin === provider);
  await Promise.all([
    page.waitForURL((u) => u.origin === app),
    page.click('#logout-yes'),
  ]);
  const out = new URL(page.url());
  check('logged_out_path', out.pathname, out.pathname === '/logged-out');
  const left = (await browser.cookies(app)).some((c) => c.name === 'okta_session');
  check('session_cookie_after_logout', left, !left);

  // 4. The page asks for a sign-in again, at the provider.
  await page.goto(target.href);
  await page.waitForSelector('#login-form');
  check('signin_again_at', new URL(page.url()).origin, new URL(page.url()).origin === provider);
}

run().then(
  async () => {
    clearTimeout(overall);
    await browser.close();
    finish(0);
  },
  async (err) => {
    clearTimeout(overall);
    result.error = String(err?.message ?? err).split('\n')[0];
    try { await browser?.close(); } catch { /* exiting anyway */ }
    finish(1);
  },
);
