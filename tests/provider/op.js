// SPDX-License-Identifier: Apache-2.0
// A real OpenID provider for the mod_okta_authcode happy-path tests.
//
// Built on the npm package `oidc-provider` (9.x). It registers two confidential
// clients whose redirect URIs cover a range of local Apache ports, knows two
// test users (whose groups and custom claims, as at Okta by default, come from
// the userinfo endpoint only), renders its own tiny login page (consent is
// granted without asking), issues rotating refresh tokens for offline_access,
// and records every token endpoint request for the tests to inspect at GET
// /_test/requests (and every userinfo request at GET /_test/userinfo_requests).
// Like an Okta custom authorization server it also issues JWT access tokens
// for APIs: a token requested with resource=api://default (or api://other) is
// an RS256 JWT with that audience, and a service client gets such tokens by
// the client_credentials grant.
//
// Run: node op.js   (see README.md for the environment variables)

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';

import { errors, Provider } from 'oidc-provider';

// ---------------------------------------------------------------- settings

function intFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number.parseInt(raw, 10);
  if (!Number.isInteger(value) || value <= 0 || String(value) !== raw.trim()) {
    console.error(`op: ${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

// "8529-8560", "8529,8531,8540-8542" or "8529"
function portsFromEnv(name, fallback) {
  const raw = (process.env[name] || fallback).trim();
  const ports = new Set();
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) {
      console.error(`op: cannot parse ${name}=${JSON.stringify(raw)}`);
      process.exit(2);
    }
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 1 || to > 65535 || to < from || to - from > 2000) {
      console.error(`op: bad port range ${part} in ${name}`);
      process.exit(2);
    }
    for (let p = from; p <= to; p += 1) ports.add(p);
  }
  return [...ports];
}

const PORT = intFromEnv('OP_PORT', 8601);
const HOST = '127.0.0.1';
const ISSUER = `http://${HOST}:${PORT}`;
const RP_PORTS = portsFromEnv('OP_RP_PORTS', '8529-8576');
const ACCESS_TOKEN_TTL = intFromEnv('OP_ACCESS_TOKEN_TTL', 3600);
const ID_TOKEN_TTL = intFromEnv('OP_ID_TOKEN_TTL', 3600);
const REFRESH_TOKEN_TTL = intFromEnv('OP_REFRESH_TOKEN_TTL', 24 * 60 * 60);
// where the signing keys are kept across restarts (optional)
const JWKS_FILE = process.env.OP_JWKS_FILE || '';
// the lifetime of the access tokens issued from now on (POST /_test/ttl)
let accessTokenTtl = ACCESS_TOKEN_TTL;
// Token endpoint requests are held open from POST /_test/hold until POST
// /_test/release (or /_test/reset), then processed as usual: a test keeps a
// refresh in flight, and so its refresh lock held, while it sends other
// requests.  GET /_test/hold says how many are held.
let holding = false;
let heldCount = 0;
let releaseHeld = () => {};
let heldGate = Promise.resolve();

function release() {
  holding = false;
  releaseHeld();
}

// ---------------------------------------------------------------- users

const USERS = new Map([
  ['alice', {
    password: 'alice-password',
    claims: {
      sub: 'alice',
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice Example',
      given_name: 'Alice',
      family_name: 'Example',
      preferred_username: 'alice',
    },
    // Okta's default for custom claims (groups included): "Include in token
    // type: Userinfo / id_token request", i.e. served by the userinfo
    // endpoint only, never in the ID token of the code flow.
    userinfoClaims: {
      groups: ['Everyone', 'Data Stewards'],
      department: 'Finance',
      address: { country: 'NO', locality: 'Oslo' },
      employee_number: 42,
    },
  }],
  ['bob', {
    password: 'bob-password',
    claims: {
      sub: 'bob',
      email: 'bob@example.com',
      email_verified: true,
      name: 'Bob Example',
      given_name: 'Bob',
      family_name: 'Example',
      preferred_username: 'bob',
    },
    userinfoClaims: {
      groups: ['Everyone'],
      department: 'Sales',
      address: { country: 'SE' },
    },
  }],
]);

async function findAccount(_ctx, sub) {
  const user = USERS.get(sub);
  if (!user) return undefined;
  return {
    accountId: sub,
    // oidc-provider filters these by the granted scopes / claims itself.
    // `use` is 'id_token' or 'userinfo': the custom claims only for userinfo.
    async claims(use) {
      if (use === 'userinfo') return { ...user.claims, ...structuredClone(user.userinfoClaims) };
      return { ...user.claims };
    },
  };
}

// ---------------------------------------------------------------- clients

function redirectSet(paths) {
  const out = [];
  for (const port of RP_PORTS) {
    for (const host of ['localhost', '127.0.0.1']) {
      for (const p of paths) out.push(`http://${host}:${port}${p}`);
    }
  }
  return out;
}

const commonClient = {
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  id_token_signed_response_alg: 'RS256',
  redirect_uris: redirectSet(['/callback', '/silent-callback']),
  post_logout_redirect_uris: redirectSet(['/', '/logged-out']),
};

// The scopes of the APIs (resource servers); the service client may ask for
// these and no others.
const API_SCOPES = ['read:reports', 'write:reports'];

const CLIENTS = [
  {
    ...commonClient,
    client_id: 'okta-test',
    client_secret: 'okta-test-secret',
    token_endpoint_auth_method: 'client_secret_basic',
  },
  {
    ...commonClient,
    client_id: 'okta-post',
    client_secret: 'okta-post-secret',
    token_endpoint_auth_method: 'client_secret_post',
  },
  // A machine-to-machine client, as an Okta "API Services" app: the
  // client_credentials grant only, for the API scopes only.
  {
    client_id: 'okta-service',
    client_secret: 'okta-service-secret',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: API_SCOPES.join(' '),
  },
];

// ---------------------------------------------------------------- APIs (resource servers)

// A token asked for with `resource=<one of these>` is a JWT access token
// for that API, as an Okta custom authorization server issues them: signed
// RS256 with the provider's signing key (kid op-rsa-1, header typ at+jwt),
// `aud` the API's identifier, `scope` the granted API scopes.  api://default
// is the audience of Okta's default authorization server; api://other is
// another API (a token for it is not one for api://default).  A token for
// api://guide is addressed to okta-test, the web app's Client ID: the
// Audience Okta's setup guide gives its authorization server (a resource
// indicator must be an absolute URI, a client ID need not be).
const RESOURCE_SERVERS = new Map([
  ['api://default', { scope: API_SCOPES.join(' ') }],
  ['api://other', { scope: API_SCOPES.join(' ') }],
  ['api://guide', { scope: API_SCOPES.join(' '), audience: 'okta-test' }],
]);

async function getResourceServerInfo(_ctx, indicator) {
  const api = RESOURCE_SERVERS.get(indicator);
  if (!api) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
  return {
    scope: api.scope,
    audience: api.audience ?? indicator,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  };
}

// ---------------------------------------------------------------- keys

// A restarted provider must sign with the keys it had: relying parties keep
// the JWKS they fetched.  With OP_JWKS_FILE the keys are read from that file,
// or generated and written there when it does not exist yet.
function signingKeys() {
  if (JWKS_FILE && fs.existsSync(JWKS_FILE)) {
    return JSON.parse(fs.readFileSync(JWKS_FILE, 'utf8'));
  }
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwks = {
    keys: [
      { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'op-rsa-1', alg: 'RS256', use: 'sig' },
      { ...ec.privateKey.export({ format: 'jwk' }), kid: 'op-ec-1', alg: 'ES256', use: 'sig' },
    ],
  };
  if (JWKS_FILE) fs.writeFileSync(JWKS_FILE, JSON.stringify(jwks), { mode: 0o600 });
  return jwks;
}

const cookieKeys = [crypto.randomBytes(32).toString('base64url'), crypto.randomBytes(32).toString('base64url')];

// ---------------------------------------------------------------- offline_access bookkeeping
//
// oidc-provider silently drops offline_access from an authorization request
// that carries a `prompt` parameter without `consent` (prompt=login,
// prompt=none, ...). Okta does not, so the raw request is remembered here,
// keyed by its PKCE code_challenge (required, hence always present), and the
// refresh token decision looks it up.

const offlineByChallenge = new Map();

function rawAuthorizationParams(ctx) {
  if (ctx.method === 'POST') return ctx.oidc?.body || {};
  return ctx.query || {};
}

function noteOfflineRequest(ctx) {
  const raw = rawAuthorizationParams(ctx);
  const scope = typeof raw.scope === 'string' ? raw.scope.split(' ') : [];
  const challenge = raw.code_challenge;
  if (!scope.includes('offline_access') || typeof challenge !== 'string') return;
  const now = Date.now();
  if (offlineByChallenge.size > 5000) {
    for (const [key, at] of offlineByChallenge) {
      if (now - at > 15 * 60 * 1000) offlineByChallenge.delete(key);
    }
  }
  offlineByChallenge.set(challenge, now);
}

function offlineWanted(source) {
  if (source.scopes?.has('offline_access')) return true;
  return Boolean(source.codeChallenge && offlineByChallenge.has(source.codeChallenge));
}

// ---------------------------------------------------------------- html

function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  })[c]);
}

function page(title, body) {
  // no external resources: the browser in the tests has no network
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:28em;margin:2em auto}label{display:block;margin:.6em 0}.error{color:#b00020}</style>
</head>
<body>
<h1>${esc(title)}</h1>
${body}
</body>
</html>
`;
}

function loginPage(uid, interaction, error) {
  const { params } = interaction;
  return page('Sign in to the test provider', `
<p>Client <code id="client-id">${esc(params.client_id)}</code> asks for <code id="scope">${esc(params.scope)}</code>.</p>
${error ? `<p class="error" id="error">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login" id="login-form">
<label>Username <input type="text" name="username" id="username" autocomplete="username" autofocus></label>
<label>Password <input type="password" name="password" id="password" autocomplete="current-password"></label>
<button type="submit" id="sign-in" name="sign-in" value="1">Sign in</button>
</form>
<p><a href="/interaction/${esc(uid)}/abort" id="cancel">Cancel</a></p>
<p>Test users: alice / alice-password, bob / bob-password.</p>
`);
}

async function logoutSource(ctx, form) {
  // `form` is <form id="op.logoutForm" method="post" action="..."><input type="hidden" name="xsrf" ...></form>.
  // Put the buttons inside it so that non-browser clients (LWP's HTML::Form) see them.
  const buttons = '<button type="submit" name="logout" value="yes" id="logout-yes">Yes, sign me out</button>\n'
    + '<button type="submit" id="logout-no">No, stay signed in</button>\n';
  const withButtons = form.replace('</form>', `${buttons}</form>`);
  ctx.type = 'html';
  ctx.body = page('Sign out of the test provider', `<p>Do you want to sign out from ${esc(ctx.host)}?</p>\n${withButtons}`);
}

async function postLogoutSuccessSource(ctx) {
  const client = ctx.oidc.client?.clientId;
  ctx.type = 'html';
  ctx.body = page('Signed out', `<p id="signed-out">You are signed out${client ? ` of ${esc(client)}` : ''}.</p>`);
}

async function renderError(ctx, out) {
  ctx.type = 'html';
  ctx.body = page('Provider error', Object.entries(out)
    .map(([k, v]) => `<p><strong>${esc(k)}</strong>: <span class="${esc(k)}">${esc(v)}</span></p>`).join('\n'));
}

// ---------------------------------------------------------------- provider

const provider = new Provider(ISSUER, {
  clients: CLIENTS,
  jwks: signingKeys(),
  cookies: { keys: cookieKeys },
  findAccount,
  // the API scopes are listed so that the service client may be limited to them
  scopes: ['openid', 'profile', 'email', 'offline_access', ...API_SCOPES],
  claims: {
    acr: null,
    sid: null,
    auth_time: null,
    iss: null,
    openid: ['sub'],
    email: ['email', 'email_verified'],
    // Okta hands custom claims out under any scope: here under profile, which
    // the module's default scope asks for (userinfo only, see findAccount).
    profile: ['name', 'given_name', 'family_name', 'preferred_username',
      'groups', 'department', 'address', 'employee_number'],
  },
  // Put the scope claims (email, name, ...) in the ID token too, as Okta does
  // for the code flow; oidc-provider's default keeps them for userinfo only.
  conformIdTokenClaims: false,
  responseTypes: ['code'],
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    userinfo: { enabled: true },
    revocation: { enabled: true },
    clientCredentials: { enabled: true },
    // Without a resource parameter (the module's own code flow) nothing
    // changes: the access token is opaque and good at the userinfo endpoint.
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => undefined,
      useGrantedResource: async () => false,
      getResourceServerInfo,
    },
  },
  interactions: {
    url: async (_ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  pkce: {
    // S256 only (the only method oidc-provider 9 supports), and required for
    // every client, confidential ones included.
    required: () => true,
  },
  issueRefreshToken: async (_ctx, client, source) => client.grantTypeAllowed('refresh_token') && offlineWanted(source),
  expiresWithSession: async (ctx, source) => {
    if (ctx.oidc?.route === 'authorization') noteOfflineRequest(ctx);
    return !offlineWanted(source);
  },
  rotateRefreshToken: true,
  ttl: {
    AccessToken: () => accessTokenTtl,
    ClientCredentials: () => accessTokenTtl,
    IdToken: ID_TOKEN_TTL,
    RefreshToken: REFRESH_TOKEN_TTL,
    AuthorizationCode: 60,
    Interaction: 60 * 60,
    Session: 24 * 60 * 60,
    Grant: 24 * 60 * 60,
  },
  clientBasedCORS: () => false,
  renderError,
});

provider.on('interaction.started', (ctx) => {
  if (ctx.oidc?.route === 'authorization') noteOfflineRequest(ctx);
});

// keep oidc-provider's internal reason ("refresh token already used", ...) for /_test/requests
provider.on('grant.error', (ctx, err) => {
  ctx.state.errorDetail = err.error_detail || err.message;
});

provider.on('server_error', (_ctx, err) => {
  console.error('op: server_error', err);
});

// ---------------------------------------------------------------- request helpers

async function readForm(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

function sendJson(ctx, status, value) {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = `${JSON.stringify(value, null, 2)}\n`;
}

// ---------------------------------------------------------------- interactions

async function grantFor(interaction, accountId) {
  const { params, prompt: { details = {} } = {} } = interaction;
  let grant;
  if (interaction.grantId) {
    grant = await provider.Grant.find(interaction.grantId);
    if (grant && grant.accountId !== accountId) grant = undefined;
  }
  grant ||= new provider.Grant({ accountId, clientId: params.client_id });

  const requested = new Set(String(params.scope || '').split(' ').filter(Boolean));
  if (params.code_challenge && offlineByChallenge.has(params.code_challenge)) requested.add('offline_access');
  for (const s of details.missingOIDCScope || []) requested.add(s);
  if (requested.size) grant.addOIDCScope([...requested].join(' '));
  if (details.missingOIDCClaims?.length) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

async function finish(ctx, result) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

async function interactionRoutes(ctx, uid, action) {
  let interaction;
  try {
    interaction = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = page('Sign-in session not found', `<p class="error">${esc(err.error_description || err.message)}</p>
<p>Start again from the application.</p>`);
    return;
  }
  if (interaction.uid !== uid) {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = page('Sign-in session mismatch', '<p class="error">This sign-in page does not belong to the current sign-in session.</p>');
    return;
  }

  if (action === 'abort') {
    await finish(ctx, { error: 'access_denied', error_description: 'End-User aborted interaction' });
    return;
  }

  const promptName = interaction.prompt?.name;

  if (action === 'show' && ctx.method === 'GET') {
    if (promptName === 'consent') {
      // consent is never asked: grant what was requested and go on
      const accountId = interaction.session?.accountId;
      const grantId = await grantFor(interaction, accountId);
      await finish(ctx, { consent: { grantId } });
      return;
    }
    ctx.type = 'html';
    ctx.body = loginPage(uid, interaction);
    return;
  }

  if (action === 'login' && ctx.method === 'POST') {
    const form = await readForm(ctx.req);
    const username = String(form.username || '').trim();
    const user = USERS.get(username);
    const ok = user && typeof form.password === 'string'
      && crypto.timingSafeEqual(
        crypto.createHash('sha256').update(form.password).digest(),
        crypto.createHash('sha256').update(user.password).digest(),
      );
    if (!ok) {
      console.log(`op: login failed for ${JSON.stringify(username)} (interaction ${uid})`);
      ctx.status = 200;
      ctx.type = 'html';
      ctx.body = loginPage(uid, interaction, 'Invalid username or password');
      return;
    }
    const grantId = await grantFor(interaction, username);
    console.log(`op: login ok for ${username} (client ${interaction.params.client_id}, interaction ${uid})`);
    await finish(ctx, {
      login: { accountId: username, remember: true },
      consent: { grantId },
    });
    return;
  }

  ctx.status = 405;
  ctx.body = 'method not allowed\n';
}

// ---------------------------------------------------------------- token endpoint recording

const tokenRequests = [];
const TOKEN_PATH = provider.pathFor('token');

function clientAuthSeen(ctx, body) {
  const auth = ctx.get('authorization');
  if (/^basic\s/i.test(auth)) return 'basic';
  if (body && typeof body.client_secret === 'string') return 'post';
  if (body && typeof body.client_assertion === 'string') return 'jwt';
  return 'none';
}

function basicClientId(ctx) {
  const m = /^basic\s+(\S+)/i.exec(ctx.get('authorization'));
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  const id = i === -1 ? decoded : decoded.slice(0, i);
  try {
    return decodeURIComponent(id.replace(/\+/g, ' '));
  } catch {
    return id;
  }
}

async function recordToken(ctx, next) {
  try {
    await next();
  } finally {
    let body;
    try {
      body = ctx.oidc?.body;
    } catch {
      body = undefined;
    }
    const responseBody = ctx.body && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body) ? ctx.body : {};
    const entry = {
      time: new Date().toISOString(),
      path: ctx.path,
      method: ctx.method,
      grant_type: body?.grant_type,
      client_id: basicClientId(ctx) || body?.client_id,
      client_auth: clientAuthSeen(ctx, body),
      refresh_token: body?.refresh_token,
      code: body?.code,
      redirect_uri: body?.redirect_uri,
      code_verifier_present: typeof body?.code_verifier === 'string',
      status: ctx.status,
      error: ctx.status >= 400 ? responseBody.error : undefined,
      error_description: ctx.status >= 400 ? responseBody.error_description : undefined,
      error_detail: ctx.status >= 400 ? ctx.state.errorDetail : undefined,
      issued_refresh_token: ctx.status < 400 ? Boolean(responseBody.refresh_token) : undefined,
      new_refresh_token: ctx.status < 400 ? responseBody.refresh_token : undefined,
      new_access_token: ctx.status < 400 ? responseBody.access_token : undefined,
    };
    tokenRequests.push(entry);
    console.log(`op: token ${entry.method} ${entry.path} grant_type=${entry.grant_type ?? '-'} client=${entry.client_id ?? '-'} auth=${entry.client_auth} status=${entry.status}${entry.error ? ` error=${entry.error}` : ''}${entry.error_detail ? ` (${entry.error_detail})` : ''}${entry.issued_refresh_token ? ' refresh_token=issued' : ''}`);
  }
}

// ---------------------------------------------------------------- userinfo endpoint recording

// Kept apart from the token requests (GET /_test/userinfo_requests), so that
// the tests counting token requests see what they always saw.
const userinfoRequests = [];
const USERINFO_PATH = provider.pathFor('userinfo');

async function recordUserinfo(ctx, next) {
  try {
    await next();
  } finally {
    const auth = ctx.get('authorization');
    const bearer = /^bearer\s+(\S+)\s*$/i.exec(auth);
    const scheme = /^(\S+)\s/.exec(auth);
    const responseBody = ctx.body && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body) ? ctx.body : {};
    const entry = {
      time: new Date().toISOString(),
      path: ctx.path,
      method: ctx.method,
      auth_scheme: scheme ? scheme[1].toLowerCase() : undefined,
      access_token: bearer ? bearer[1] : undefined,
      status: ctx.status,
      sub: ctx.status < 400 ? responseBody.sub : undefined,
      claims: ctx.status < 400 ? Object.keys(responseBody) : undefined,
      error: ctx.status >= 400 ? responseBody.error : undefined,
      www_authenticate: ctx.response.get('WWW-Authenticate') || undefined,
    };
    userinfoRequests.push(entry);
    console.log(`op: userinfo ${entry.method} ${entry.path} auth=${entry.auth_scheme ?? '-'} status=${entry.status}${entry.sub ? ` sub=${entry.sub}` : ''}${entry.error ? ` error=${entry.error}` : ''}`);
  }
}

// Runs before oidc-provider's own router (Koa middleware array of the Provider).
async function front(ctx, next) {
  const { path } = ctx;

  if (path === USERINFO_PATH) {
    await recordUserinfo(ctx, next);
    return;
  }

  if (path === TOKEN_PATH) {
    if (holding) {
      heldCount += 1;
      console.log(`op: token ${ctx.method} ${path} held (${heldCount} held)`);
      try {
        await heldGate;
      } finally {
        heldCount -= 1;
      }
    }
    await recordToken(ctx, next);
    return;
  }

  if (path === '/_test/requests' && ctx.method === 'GET') {
    sendJson(ctx, 200, tokenRequests);
    return;
  }
  if (path === '/_test/userinfo_requests' && ctx.method === 'GET') {
    sendJson(ctx, 200, userinfoRequests);
    return;
  }
  if (path === '/_test/reset' && ctx.method === 'POST') {
    tokenRequests.length = 0;
    userinfoRequests.length = 0;
    accessTokenTtl = ACCESS_TOKEN_TTL;
    release();
    sendJson(ctx, 200, { reset: true });
    return;
  }
  if (path === '/_test/ttl' && ctx.method === 'POST') {
    const seconds = Number(ctx.query.seconds);
    if (!Number.isInteger(seconds) || seconds < 1) {
      sendJson(ctx, 400, { error: 'seconds must be an integer >= 1' });
      return;
    }
    accessTokenTtl = seconds;
    sendJson(ctx, 200, { access_token_ttl: accessTokenTtl });
    return;
  }
  if (path === '/_test/hold' && ctx.method === 'POST') {
    if (!holding) {
      holding = true;
      heldGate = new Promise((resolve) => { releaseHeld = resolve; });
    }
    sendJson(ctx, 200, { holding, held: heldCount });
    return;
  }
  if (path === '/_test/hold' && ctx.method === 'GET') {
    sendJson(ctx, 200, { holding, held: heldCount });
    return;
  }
  if (path === '/_test/release' && ctx.method === 'POST') {
    const released = heldCount;
    release();
    sendJson(ctx, 200, { released });
    return;
  }
  if (path.startsWith('/_test/')) {
    sendJson(ctx, 404, { error: 'not_found' });
    return;
  }

  const m = /^\/interaction\/([^/]+)(?:\/(login|abort))?\/?$/.exec(path);
  if (m) {
    ctx.set('Cache-Control', 'no-store');
    await interactionRoutes(ctx, m[1], m[2] || 'show');
    return;
  }

  await next();
}

provider.middleware.unshift(front);

// ---------------------------------------------------------------- server

const server = http.createServer(provider.callback());
server.keepAliveTimeout = 5000;

server.on('error', (err) => {
  console.error(`op: ${err.message}`);
  process.exit(1);
});

server.listen(PORT, HOST, () => {
  for (const [name, user] of USERS) console.log(`test user: ${name} / ${user.password}`);
  console.log(`service client: okta-service / okta-service-secret (client_credentials); APIs ${[...RESOURCE_SERVERS.keys()].join(' ')} (scopes ${API_SCOPES.join(' ')})`);
  console.log(`clients: okta-test / okta-test-secret (client_secret_basic), okta-post / okta-post-secret (client_secret_post); RP ports ${RP_PORTS[0]}..${RP_PORTS[RP_PORTS.length - 1]} (${RP_PORTS.length})`);
  console.log(`ttl: access_token ${ACCESS_TOKEN_TTL}s, id_token ${ID_TOKEN_TTL}s, refresh_token ${REFRESH_TOKEN_TTL}s`);
  console.log(`op listening on ${ISSUER}`);
});

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`op: ${signal}, shutting down`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
