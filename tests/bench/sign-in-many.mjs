// SPDX-License-Identifier: Apache-2.0
// Signs in many times, as browsers would, against apache2 with the module in
// front of the scripted provider (tests/provider/fake-op.js, which approves
// every authorization request at once).  Each sign-in is three requests:
// the protected page (302 to the provider), the provider's authorization
// endpoint (302 back with a code), the callback (the module exchanges the
// code, checks the ID token and answers with a session cookie).
//
// Prints the latency of whole sign-ins and of the callback alone (the
// module's own work, with the token request) as JSON, and writes one
// session cookie per line to the output file.
//
// Usage: node sign-in-many.mjs <protected URL> <count> <parallel> <cookie file>
import * as fs from 'node:fs';
import * as http from 'node:http';

const [url, countArg, parallelArg, cookieFile] = process.argv.slice(2);
const count = Number(countArg);
const parallel = Number(parallelArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: parallel * 2 });

// A kept-alive connection the server closes as a request is sent on it
// fails with ECONNRESET: such a request is sent again on a new one.
function get(target, cookie) {
  return new Promise((resolve, reject) => {
    const headers = { Accept: 'text/html' };
    if (cookie) headers.Cookie = cookie;
    const req = http.get(target, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', (err) => {
      if (req.reusedSocket && err.code === 'ECONNRESET') get(target, cookie).then(resolve, reject);
      else reject(err);
    });
  });
}

function cookieFrom(res, name) {
  for (const line of res.headers['set-cookie'] || []) {
    const m = line.match(new RegExp(`^(${name}=[^;]+)`));
    if (m) return m[1];
  }
  throw new Error(`no ${name} cookie (status ${res.statusCode})`);
}

function expectRedirect(res, step) {
  if (res.statusCode !== 302 || !res.headers.location) {
    throw new Error(`${step}: expected a redirect, got ${res.statusCode}`);
  }
  return new URL(res.headers.location, url).href;
}

async function signIn() {
  const start = process.hrtime.bigint();
  const page = await get(url);
  const login = cookieFrom(page, 'okta_login');
  const back = await get(expectRedirect(page, 'protected page'));
  const callback = expectRedirect(back, 'authorization');
  const callbackStart = process.hrtime.bigint();
  const done = await get(callback, login);
  const end = process.hrtime.bigint();
  expectRedirect(done, 'callback');
  return {
    cookie: cookieFrom(done, 'okta_session'),
    total: Number(end - start) / 1e6,
    callback: Number(end - callbackStart) / 1e6,
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

const out = fs.openSync(cookieFile, 'w');
const totals = [];
const callbacks = [];
let next = 0;
const started = Date.now();

async function worker() {
  while (next < count) {
    next += 1;
    const result = await signIn();
    fs.writeSync(out, `${result.cookie}\n`);
    totals.push(result.total);
    callbacks.push(result.callback);
  }
}

await Promise.all(Array.from({ length: parallel }, worker));
fs.closeSync(out);
agent.destroy();
totals.sort((a, b) => a - b);
callbacks.sort((a, b) => a - b);
console.log(JSON.stringify({
  sign_ins: totals.length,
  seconds: (Date.now() - started) / 1000,
  sign_in_ms: { p50: percentile(totals, 50), p99: percentile(totals, 99) },
  callback_ms: { p50: percentile(callbacks, 50), p99: percentile(callbacks, 99) },
}));
