// SPDX-License-Identifier: Apache-2.0
// A scripted FAKE OpenID provider for the hostile mod_okta_authcode tests.
//
// Plain Node (node:http + node:crypto), no dependencies. It answers the
// authorization request at once (no login page), and its token endpoint
// returns an ID token that is broken in the way the current "mode" says
// (bad signature, wrong issuer, alg none, ...). Several tenants live side by
// side under path prefixes: /good, /mismatch (discovery names another issuer),
// /down (everything answers 500), /hang (nothing is ever answered),
// /nouserinfo (discovery names no userinfo endpoint), and one per mistake
// the setup checker finds (MISCONFIGURED: /oauth2/dynamic, /weak-key, ...).
// Redirect URIs can be registered (POST /_test/redirect_uris), and are then
// checked as Okta does.  Its userinfo endpoint
// serves the claims a test sets (POST /_test/userinfo), or fails as the mode
// says.  For the bearer token tests it mints access tokens as a test writes
// them (POST /_test/mint: any claims, any header, signed right or wrong),
// publishes a second signing key on POST /_test/rotate, and answers token
// introspection (RFC 7662) as a test scripts it (POST /_test/introspection).
//
// Run: node fake-op.js   (see README.md)

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';

// ---------------------------------------------------------------- settings

function portFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`fake-op: ${name} must be a TCP port, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

function secondsFromEnv(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || String(value) !== raw.trim()) {
    console.error(`fake-op: ${name} must be an integer >= ${min} (seconds), got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

const PORT = portFromEnv('FAKE_PORT', 8602);
// expires_in of every access token
const ACCESS_TOKEN_TTL = secondsFromEnv('FAKE_ACCESS_TOKEN_TTL', 300, 1);
// how long a spent (rotated) refresh token may be presented again (Okta's
// "grace period for token rotation"); after it, reuse revokes the family
const REFRESH_GRACE = secondsFromEnv('FAKE_REFRESH_GRACE', 30, 0);
// where the signing keys are kept across restarts (optional)
const JWKS_FILE = process.env.FAKE_JWKS_FILE || '';
// with both, it answers over TLS with that certificate (OktaCAFile tests)
const TLS_CERT = process.env.FAKE_TLS_CERT || '';
const TLS_KEY = process.env.FAKE_TLS_KEY || '';
const HOST = '127.0.0.1';
const BASE = `${TLS_CERT ? 'https' : 'http'}://${HOST}:${PORT}`;
const CLIENT_ID = 'fake-client';
const CLIENT_SECRET = 'fake-secret';
// The registered clients and the client authentication each accepts at the
// token endpoint: fake-client both ways; fake-post-client, as an Okta app
// whose Client authentication is "Client secret (post)", the form only (its
// secret in a Basic header is invalid_client).
const CLIENTS = new Map([
  [CLIENT_ID, { secret: CLIENT_SECRET, methods: ['basic', 'post'] }],
  ['fake-post-client', { secret: 'fake-post-secret', methods: ['post'] }],
]);

// Tenants that are `good` but for one thing an Okta administrator can get
// wrong (the setup checker's cases, apache2 -t -D OKTA_CHECK).  Members:
//   discovery  members merged over good's discovery document (undefined
//              leaves one out); 'html' answers a page instead of JSON
//   issuer     the issuer the discovery document and the ID tokens name
//   jwks       'weak' (one RSA key of 1024 bits), 'oct' (one symmetric
//              key), 'down' (the JWKS answers 500)
//   clock      seconds added to the Date header of every answer
const LISTS = ['response_types_supported', 'code_challenge_methods_supported', 'grant_types_supported',
  'scopes_supported', 'token_endpoint_auth_methods_supported'];
const MISCONFIGURED = {
  // Okta's "Dynamic" issuer mode: the org URL, not .../oauth2/{id}
  'oauth2/dynamic': { issuer: BASE },
  'weak-key': { jwks: 'weak' },
  'oct-key': { jwks: 'oct' },
  'jwks-down': { jwks: 'down' },
  'not-json': { discovery: 'html' },
  'no-code': { discovery: { response_types_supported: ['id_token', 'id_token token'] } },
  'no-s256': { discovery: { code_challenge_methods_supported: ['plain'] } },
  'no-refresh-grant': { discovery: { grant_types_supported: ['authorization_code', 'implicit'] } },
  'no-offline-access': { discovery: { scopes_supported: ['openid', 'profile', 'email'] } },
  'post-only': { discovery: { token_endpoint_auth_methods_supported: ['client_secret_post'] } },
  'jwt-only': { discovery: { token_endpoint_auth_methods_supported: ['private_key_jwt'] } },
  // none of the lists above at all (discovery lets a provider leave them out)
  unadvertised: { discovery: Object.fromEntries(LISTS.map((name) => [name, undefined])) },
  'no-logout': { discovery: { end_session_endpoint: undefined } },
  'clock-behind': { clock: -600 },
  'clock-ahead': { clock: 600 },
};
const TENANTS = new Set(['good', 'mismatch', 'down', 'hang', 'nouserinfo', ...Object.keys(MISCONFIGURED)]);
const issuerOf = (tenant) => MISCONFIGURED[tenant]?.issuer ?? `${BASE}/${tenant}`;
const CODE_TTL_MS = 5 * 60 * 1000;

// Refresh requests answered with an error before anything is processed
// (the presented token stays unspent): [status, JSON body or text].
const REFRESH_FAILURES = {
  // Okta's answer when an authorization server's rate limit is reached
  refresh_429: [429, { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' }],
  refresh_temporarily_unavailable: [503, { error: 'temporarily_unavailable', error_description: 'try again later' }],
  refresh_server_error: [500, { error: 'server_error', error_description: 'internal error' }],
  refresh_502: [502, '<html><body>502 Bad Gateway</body></html>'],
  refresh_invalid_client: [401, { error: 'invalid_client', error_description: 'client authentication failed' }],
  refresh_unauthorized_client: [400, { error: 'unauthorized_client', error_description: 'the refresh_token grant is not allowed for this client' }],
};

// Userinfo requests answered with an error whatever token came with them:
// [status, body, content type, extra headers].
const USERINFO_FAILURES = {
  userinfo_500: [500, 'fake-op: internal server error\n', 'text/plain; charset=utf-8', {}],
  userinfo_not_json: [200, '<html>oops</html>', 'text/html', {}],
  userinfo_401: [401, '', 'text/plain', { 'WWW-Authenticate': 'Bearer error="invalid_token"' }],
};

// the modes that hold requests open (a change to another mode drops them)
const HANGING_MODES = new Set(['token_hang', 'refresh_hang', 'userinfo_hang', 'introspect_hang', 'jwks_hang']);

const MODES = new Set([
  'normal',
  'authorize_error',
  // the authorization endpoint answers consent_required (the user has not
  // consented to the scopes)
  'authorize_consent_required',
  // interaction_required (the user must see the provider, e.g. for MFA)
  'authorize_interaction_required',
  // no refresh token, even for offline_access (the app lacks the Refresh
  // Token grant)
  'no_refresh_token',
  'bad_signature',
  'wrong_iss',
  'wrong_aud',
  'nonce_mismatch',
  'expired',
  'iat_future',
  'alg_none',
  'hs256',
  'missing_sub',
  // the ID token's at_hash is not the access token's
  'at_hash_mismatch',
  'azp_wrong',
  'multi_aud_no_azp',
  'multi_aud_with_azp',
  'unknown_kid',
  'es256',
  'ps256',
  'no_kid',
  'token_error_invalid_client',
  'token_error_500',
  'token_huge',
  'no_id_token',
  'huge_claims',
  'hostile_claims',
  'token_hang',
  'refresh_invalid_grant',
  'refresh_other_sub',
  'refresh_lose_answer',
  'refresh_hang',
  'refresh_spend_hang',
  ...Object.keys(REFRESH_FAILURES),
  ...Object.keys(USERINFO_FAILURES),
  'userinfo_sub_mismatch',
  'userinfo_huge',
  'userinfo_hang',
  // the introspection endpoint answers 503 temporarily_unavailable, or never
  'introspect_down',
  'introspect_hang',
  // the introspection endpoint answers 200 with an HTML page (a proxy's)
  'introspect_not_json',
  // the keys endpoint accepts the request and never answers
  'jwks_hang',
  // the ID tokens of refreshes are signed with the next key, which the JWKS
  // does not publish yet, and the keys endpoint answers 500: the module
  // cannot check them now
  'refresh_new_key_jwks_down',
]);

let mode = 'normal';
// expires_in of the tokens issued from now on (POST /_test/ttl?seconds=N)
let accessTokenTtl = ACCESS_TOKEN_TTL;
// refresh_lose_answer drops the answer of the first refresh only
let loseNextRefreshAnswer = false;
// claims merged over the userinfo answer (POST /_test/userinfo)
let userinfoClaims = {};
// the introspection answers, by token (POST /_test/introspection)
let introspectionAnswers = new Map();
// whether the JWKS publishes the next RSA key (POST /_test/rotate)
let rotated = false;
// The client's registered redirect URIs, as an Okta app's "Sign-in redirect
// URIs" and "Sign-out redirect URIs" (POST /_test/redirect_uris); null: any
// URI is accepted, as the fake always did until a test registers some.
let signInRedirectUris = null;
let signOutRedirectUris = null;

function setMode(name) {
  mode = name;
  loseNextRefreshAnswer = name === 'refresh_lose_answer';
}

// ---------------------------------------------------------------- keys

// A restarted fake must sign with the keys it had: the module keeps the JWKS
// it fetched.  With FAKE_JWKS_FILE the private keys are read from that file,
// or generated and written there when it does not exist yet.
function keyPair(privateJwk) {
  const privateKey = crypto.createPrivateKey({ key: privateJwk, format: 'jwk' });
  return { privateKey, publicKey: crypto.createPublicKey(privateKey) };
}

// rsa (fake-rsa-1) and ec (fake-ec-1) are published; rsaUnknown never is;
// rsaNew (fake-rsa-2) is the next key, published after POST /_test/rotate.
const KEY_KINDS = {
  rsa: ['rsa', { modulusLength: 2048 }],
  rsaUnknown: ['rsa', { modulusLength: 2048 }],
  rsaNew: ['rsa', { modulusLength: 2048 }],
  ec: ['ec', { namedCurve: 'P-256' }],
  // the weak-key tenant's only key: too short for the module to use
  weak: ['rsa', { modulusLength: 1024 }],
};

function loadOrGenerateKeys() {
  const saved = JWKS_FILE && fs.existsSync(JWKS_FILE) ? JSON.parse(fs.readFileSync(JWKS_FILE, 'utf8')) : {};
  const keys = {};
  let generated = false;
  for (const [name, [type, options]] of Object.entries(KEY_KINDS)) {
    if (saved[name]) {
      keys[name] = keyPair(saved[name]);
    } else {
      // a file written before this key existed gets it added
      keys[name] = crypto.generateKeyPairSync(type, options);
      generated = true;
    }
  }
  if (JWKS_FILE && generated) {
    const out = Object.fromEntries(Object.entries(keys)
      .map(([name, pair]) => [name, pair.privateKey.export({ format: 'jwk' })]));
    fs.writeFileSync(JWKS_FILE, JSON.stringify(out), { mode: 0o600 });
  }
  return keys;
}

const {
  rsa: rsaKey, rsaUnknown: rsaUnknownKey, rsaNew: rsaNewKey, ec: ecKey, weak: weakKey,
} = loadOrGenerateKeys();
// the oct-key tenant's only key: symmetric, which a JWKS should never hold
const octSecret = crypto.randomBytes(32);

const PUBLISHED_KEYS = [
  { ...rsaKey.publicKey.export({ format: 'jwk' }), kid: 'fake-rsa-1', alg: 'RS256', use: 'sig' },
  { ...ecKey.publicKey.export({ format: 'jwk' }), kid: 'fake-ec-1', alg: 'ES256', use: 'sig' },
];
// The next key: fake-rsa-2 at first.  A reset after a rotation unpublishes
// it and makes a new next key (fake-rsa-3, ...): an httpd that fetched the
// JWKS with the old one must still not know the new one, so a test that
// rotates can run again.
let nextKey = { privateKey: rsaNewKey.privateKey, kid: 'fake-rsa-2', generation: 2 };
function nextKeyJwk() {
  return {
    ...crypto.createPublicKey(nextKey.privateKey).export({ format: 'jwk' }), kid: nextKey.kid, alg: 'RS256', use: 'sig',
  };
}
function unrotate() {
  if (!rotated) return;
  rotated = false;
  const generation = nextKey.generation + 1;
  nextKey = {
    privateKey: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    kid: `fake-rsa-${generation}`,
    generation,
  };
}

// The tenants' JWKS: the next key joins after POST /_test/rotate (the old
// keys stay, as at Okta, whose rotation publishes the next key beside them).
function jwksDocument() {
  return { keys: rotated ? [...PUBLISHED_KEYS, nextKeyJwk()] : PUBLISHED_KEYS };
}

// A tenant's JWKS: the weak-key and oct-key tenants publish their one key
// only (rotation leaves them alone).
function tenantJwks(tenant) {
  switch (MISCONFIGURED[tenant]?.jwks) {
    case 'weak':
      return { keys: [{ ...weakKey.publicKey.export({ format: 'jwk' }), kid: 'fake-rsa-1024', alg: 'RS256', use: 'sig' }] };
    case 'oct':
      return { keys: [{ kty: 'oct', kid: 'fake-oct-1', alg: 'HS256', use: 'sig', k: octSecret.toString('base64url') }] };
    default:
      return jwksDocument();
  }
}

// ---------------------------------------------------------------- JWS

const b64u = (input) => Buffer.from(input).toString('base64url');
const b64uJson = (value) => b64u(JSON.stringify(value));

function jws(header, payload, signer) {
  const input = `${b64uJson(header)}.${b64uJson(payload)}`;
  const signature = signer ? signer(Buffer.from(input, 'ascii')) : Buffer.alloc(0);
  return `${input}.${b64u(signature)}`;
}

const signers = {
  RS256: (key) => (data) => crypto.sign('sha256', data, key),
  PS256: (key) => (data) => crypto.sign('sha256', data, {
    key,
    padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  }),
  ES256: (key) => (data) => crypto.sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }),
  HS256: (secret) => (data) => crypto.createHmac('sha256', secret).update(data).digest(),
};

// at_hash (OpenID Connect Core 3.2.2.9): the left half of the access
// token's SHA-256 (every algorithm the fake signs with is a *256 one).
const atHash = (accessToken) =>
  crypto.createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');

// Build the ID token for the current mode. `grant` holds what the
// authorization request said (tenant, nonce, client id); as Okta does, the
// token carries the at_hash of the access token issued with it.
function idTokenFor(grant, currentMode, accessToken) {
  const now = Math.floor(Date.now() / 1000);
  const issuer = issuerOf(grant.tenant);
  const payload = {
    iss: issuer,
    sub: 'mallory-sub',
    // fake-client's tokens (and those of an unknown client, as before) are for fake-client
    aud: CLIENTS.has(grant.clientId) ? grant.clientId : CLIENT_ID,
    iat: now,
    exp: now + 300,
    auth_time: grant.authTime,
    email: 'mallory@example.com',
    email_verified: true,
    name: 'Mallory Fake',
    preferred_username: 'mallory',
  };
  if (grant.nonce !== undefined) payload.nonce = grant.nonce;
  payload.at_hash = atHash(currentMode === 'at_hash_mismatch' ? `not-${accessToken}` : accessToken);

  let header = { alg: 'RS256', typ: 'JWT', kid: 'fake-rsa-1' };
  let signer = signers.RS256(rsaKey.privateKey);
  // the tenants with one odd key sign with it
  if (MISCONFIGURED[grant.tenant]?.jwks === 'weak') {
    header = { alg: 'RS256', typ: 'JWT', kid: 'fake-rsa-1024' };
    signer = signers.RS256(weakKey.privateKey);
  } else if (MISCONFIGURED[grant.tenant]?.jwks === 'oct') {
    header = { alg: 'HS256', typ: 'JWT', kid: 'fake-oct-1' };
    signer = signers.HS256(octSecret);
  }

  switch (currentMode) {
    case 'wrong_iss':
      payload.iss = `${BASE}/evil`;
      break;
    case 'wrong_aud':
      payload.aud = 'other-client';
      break;
    case 'nonce_mismatch':
      payload.nonce = `not-${grant.nonce ?? 'the-nonce'}`;
      break;
    case 'expired':
      payload.iat = now - 3600 - 300;
      payload.exp = now - 3600;
      break;
    case 'iat_future':
      payload.iat = now + 3600;
      payload.exp = now + 3600 + 300;
      break;
    case 'alg_none':
      header = { alg: 'none', typ: 'JWT' };
      signer = undefined;
      break;
    case 'hs256':
      header = { alg: 'HS256', typ: 'JWT' };
      signer = signers.HS256(CLIENT_SECRET);
      break;
    case 'refresh_other_sub':
      // only tokens minted by a refresh (they carry no nonce)
      if (grant.nonce === undefined) payload.sub = 'eve-sub';
      break;
    case 'missing_sub':
      delete payload.sub;
      break;
    case 'hostile_claims':
      // a user-editable profile attribute trying to forge a header, and a
      // group name with the separator in it
      payload.title = 'boss\r\nX-Injected: yes';
      payload.groups = ['Sales, EMEA', 'ops'];
      break;
    case 'huge_claims':
      // a groups claim of about 40 KB: a valid token whose session is too big to keep
      payload.groups = Array.from({ length: 2000 }, (_, i) => `group-${String(i).padStart(12, '0')}`);
      break;
    case 'azp_wrong':
      payload.azp = 'someone-else';
      break;
    case 'multi_aud_no_azp':
      payload.aud = [CLIENT_ID, 'other'];
      break;
    case 'multi_aud_with_azp':
      payload.aud = [CLIENT_ID, 'other'];
      payload.azp = CLIENT_ID;
      break;
    case 'unknown_kid':
      header = { alg: 'RS256', typ: 'JWT', kid: 'fake-rsa-unknown' };
      signer = signers.RS256(rsaUnknownKey.privateKey);
      break;
    case 'es256':
      header = { alg: 'ES256', typ: 'JWT', kid: 'fake-ec-1' };
      signer = signers.ES256(ecKey.privateKey);
      break;
    case 'ps256':
      header = { alg: 'PS256', typ: 'JWT', kid: 'fake-rsa-1' };
      signer = signers.PS256(rsaKey.privateKey);
      break;
    case 'no_kid':
      header = { alg: 'RS256', typ: 'JWT' };
      break;
    case 'refresh_new_key_jwks_down':
      if (grant.nonce === undefined) {
        header = { alg: 'RS256', typ: 'JWT', kid: nextKey.kid };
        signer = signers.RS256(nextKey.privateKey);
      }
      break;
    default:
      break;
  }

  const token = jws(header, payload, signer);
  if (currentMode !== 'bad_signature') return token;

  // signed over the real payload, then the payload is swapped
  const [h, , s] = token.split('.');
  return `${h}.${b64uJson({ ...payload, email: 'admin@example.com', name: 'Tampered' })}.${s}`;
}

// ---------------------------------------------------------------- minted access tokens

// POST /_test/mint {"claims": {...}, "header": {...}, "sign": ...}: a compact
// JWS of the claims exactly as given (key order kept), the header being the
// default for `sign` with the given fields merged over it (a field given as
// null is left out).  `sign`:
//   rs256 (default)  RS256 with fake-rsa-1, as published
//   es256            ES256 with fake-ec-1, as published
//   none             alg none, empty signature
//   hs256:SECRET     HMAC-SHA256 with SECRET (header alg HS256)
//   other-key        RS256 with a key that is never published, kid fake-rsa-1
//   new-key          RS256 with the next key (kid fake-rsa-2 at first), published
//                    only after /_test/rotate
// Returns { token } or { error }.
function mintAccessToken(body) {
  const { claims, header = {}, sign = 'rs256' } = body || {};
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) {
    return { error: 'expected {"claims": {...}} (a JSON object)' };
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) {
    return { error: '"header" must be a JSON object' };
  }
  let defaults;
  let signer;
  if (sign === 'rs256') {
    defaults = { alg: 'RS256', typ: 'at+jwt', kid: 'fake-rsa-1' };
    signer = signers.RS256(rsaKey.privateKey);
  } else if (sign === 'es256') {
    defaults = { alg: 'ES256', typ: 'at+jwt', kid: 'fake-ec-1' };
    signer = signers.ES256(ecKey.privateKey);
  } else if (sign === 'none') {
    defaults = { alg: 'none', typ: 'at+jwt' };
    signer = undefined;
  } else if (typeof sign === 'string' && sign.startsWith('hs256:')) {
    defaults = { alg: 'HS256', typ: 'at+jwt' };
    signer = signers.HS256(sign.slice('hs256:'.length));
  } else if (sign === 'other-key') {
    defaults = { alg: 'RS256', typ: 'at+jwt', kid: 'fake-rsa-1' };
    signer = signers.RS256(rsaUnknownKey.privateKey);
  } else if (sign === 'new-key') {
    defaults = { alg: 'RS256', typ: 'at+jwt', kid: nextKey.kid };
    signer = signers.RS256(nextKey.privateKey);
  } else {
    return { error: `unknown "sign" ${JSON.stringify(sign)}: rs256, es256, none, hs256:SECRET, other-key or new-key` };
  }
  const merged = { ...defaults, ...header };
  for (const [name, value] of Object.entries(merged)) {
    if (value === null) delete merged[name];
  }
  return { token: jws(merged, claims, signer), header: merged };
}

// ---------------------------------------------------------------- state

const requests = [];
const codes = new Map(); // code -> grant
// refresh token -> { grant, family, spentAt (ms, null while unused) }; the
// family is shared by every token descended from one code exchange
const refreshTokens = new Map();
const accessTokens = new Map(); // access token -> grant
const hanging = new Set(); // responses held open by token_hang, refresh_hang, userinfo_hang, ...

const randomToken = () => crypto.randomBytes(24).toString('base64url');

// A Map iterates in insertion order: the oldest codes come first, so this
// stops at the first one young enough to keep (many sign-ins stay cheap).
function pruneCodes() {
  const now = Date.now();
  for (const [code, grant] of codes) {
    if (now - grant.createdAt <= CODE_TTL_MS * 4) break;
    codes.delete(code);
  }
}

// ---------------------------------------------------------------- http helpers

function send(res, status, body, type = 'text/plain; charset=utf-8', extraHeaders = {}) {
  const buf = Buffer.from(body);
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': buf.length,
    'Cache-Control': 'no-store',
    ...extraHeaders,
  });
  res.end(buf);
}

function sendJson(res, status, value, extraHeaders = {}) {
  send(res, status, `${JSON.stringify(value, null, 2)}\n`, 'application/json', extraHeaders);
}

function redirect(res, location) {
  res.writeHead(302, { Location: location, 'Content-Length': 0, 'Cache-Control': 'no-store' });
  res.end();
}

async function readBody(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function formDecode(value) {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

// RFC 6749 2.3.1: client_id and secret are form-encoded before base64
function parseBasic(header) {
  const m = /^basic\s+(\S+)\s*$/i.exec(header || '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i === -1) return { clientId: formDecode(decoded), secret: undefined };
  return { clientId: formDecode(decoded.slice(0, i)), secret: formDecode(decoded.slice(i + 1)) };
}

function authScheme(header) {
  const m = /^(\S+)\s/.exec(header || '');
  return m ? m[1].toLowerCase() : undefined;
}

// ---------------------------------------------------------------- tenant endpoints

// The tenant's discovery document; a misconfigured tenant's changes are
// merged over it (a member set to undefined is left out of the JSON).
function discovery(tenant) {
  const issuer = `${BASE}/${tenant}`; // where its endpoints are
  const document = {
    issuer: tenant === 'mismatch' ? `${BASE}/elsewhere` : issuerOf(tenant),
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    // the nouserinfo tenant advertises no userinfo endpoint (it still answers one)
    ...(tenant === 'nouserinfo' ? {} : { userinfo_endpoint: `${issuer}/userinfo` }),
    jwks_uri: `${issuer}/jwks`,
    end_session_endpoint: `${issuer}/logout`,
    // only the good tenant advertises introspection (every tenant answers it)
    ...(tenant === 'good' ? {
      introspection_endpoint: `${issuer}/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    } : {}),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256', 'ES256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'email', 'email_verified', 'name', 'preferred_username'],
  };
  const changes = MISCONFIGURED[tenant]?.discovery;
  return changes && typeof changes === 'object' ? { ...document, ...changes } : document;
}

// What Okta shows when a request names a redirect URI the app does not have
// registered: an HTML page, HTTP 400, and no redirect back to the app.  The
// sentence keeps its quotes as they are (not &#39;).
function oktaErrorPage(res, parameter, kind, clientId) {
  const esc = (value) => String(value ?? '').replace(/[&<>"]/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;',
  })[c]);
  const settings = `${BASE}/admin/app/oidc_client/instance/${encodeURIComponent(clientId ?? '')}#tab-general`;
  const body = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>fake-op - Bad Request</title></head>
<body>
<div id="error-page">
<h1>400 Bad Request</h1>
<p>Identity Provider: Unknown</p>
<p>Error Code: <code>invalid_request</code></p>
<p id="error-description">Description: The '${parameter}' parameter must be a ${kind} redirect URI in the client app settings: ${esc(settings)}</p>
</div>
</body>
</html>
`;
  send(res, 400, body, 'text/html; charset=utf-8');
}

function authorize(tenant, url, res) {
  const q = Object.fromEntries(url.searchParams);
  if (!q.redirect_uri) {
    send(res, 400, 'fake-op: redirect_uri missing\n');
    return;
  }
  if (signInRedirectUris && !signInRedirectUris.includes(q.redirect_uri)) {
    oktaErrorPage(res, 'redirect_uri', 'Login', q.client_id);
    return;
  }
  let target;
  try {
    target = new URL(q.redirect_uri);
  } catch {
    send(res, 400, 'fake-op: redirect_uri is not a URL\n');
    return;
  }

  if (mode === 'authorize_error') {
    target.searchParams.set('error', 'access_denied');
    target.searchParams.set('error_description', 'User denied');
  } else if (mode === 'authorize_consent_required') {
    target.searchParams.set('error', 'consent_required');
    target.searchParams.set('error_description', 'The client requires user consent');
  } else if (mode === 'authorize_interaction_required') {
    target.searchParams.set('error', 'interaction_required');
    target.searchParams.set('error_description', 'The user must interact with the provider');
  } else {
    pruneCodes();
    const code = randomToken();
    codes.set(code, {
      tenant,
      clientId: q.client_id,
      redirectUri: q.redirect_uri,
      state: q.state,
      nonce: q.nonce,
      codeChallenge: q.code_challenge,
      codeChallengeMethod: q.code_challenge_method,
      scope: q.scope,
      responseType: q.response_type,
      createdAt: Date.now(),
      authTime: Math.floor(Date.now() / 1000),
      used: false,
    });
    target.searchParams.set('code', code);
  }
  if (q.state !== undefined) target.searchParams.set('state', q.state);
  redirect(res, target.href);
}

function tokenError(res, status, error, description) {
  const headers = status === 401 ? { 'WWW-Authenticate': 'Basic realm="fake-op"' } : {};
  sendJson(res, status, { error, error_description: description }, headers);
}

// New tokens for `grant`; the refresh token joins `family` (a new one for a
// code exchange).  As Okta does, a refresh token only for offline_access.
// Returns the answer without sending it.
function mintTokens(grant, family) {
  const accessToken = randomToken();
  const offline = (grant.scope || '').split(' ').includes('offline_access')
    && mode !== 'no_refresh_token';
  const refreshToken = offline ? randomToken() : undefined;
  accessTokens.set(accessToken, grant);
  if (offline) {
    refreshTokens.set(refreshToken, { grant, family: family || { revoked: false }, spentAt: null });
  }
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: accessTokenTtl,
    scope: grant.scope,
    id_token: mode === 'no_id_token' ? undefined : idTokenFor(grant, mode, accessToken),
    refresh_token: refreshToken,
  };
}

function holdOpen(res, entry) {
  // hold the request open until the client gives up (or reset/shutdown)
  entry.status = 'hanging';
  hanging.add(res);
  res.on('close', () => {
    hanging.delete(res);
    // the client gave up: no longer a request in the air
    if (entry.status === 'hanging') entry.status = 'abandoned';
  });
}

// grant_type=refresh_token, with rotation as Okta does it: every use spends
// the token; a spent one presented again within REFRESH_GRACE gets new
// tokens, after it the whole family is revoked.
function refresh(tenant, res, form, entry) {
  const presented = form.refresh_token;
  const record = presented === undefined ? undefined : refreshTokens.get(presented);
  const refuse = (description) => {
    entry.refresh_error = 'invalid_grant';
    tokenError(res, 400, 'invalid_grant', description);
  };
  entry.refresh_reuse = Boolean(record && record.spentAt !== null);
  if (!record || record.grant.tenant !== tenant) {
    refuse('unknown refresh token');
    return;
  }
  if (mode === 'refresh_invalid_grant') {
    refuse('refresh refused (mode refresh_invalid_grant)');
    return;
  }
  if (record.family.revoked) {
    refuse('the refresh token was revoked');
    return;
  }
  const now = Date.now();
  if (record.spentAt !== null && now - record.spentAt > REFRESH_GRACE * 1000) {
    record.family.revoked = true;
    console.log('fake-op: a spent refresh token was reused after the grace period: token family revoked');
    refuse('the refresh token was already used; every token of its family is revoked');
    return;
  }
  if (record.spentAt === null) record.spentAt = now;
  const answer = mintTokens({ ...record.grant, nonce: undefined }, record.family);
  entry.new_access_token = answer.access_token;
  entry.new_refresh_token = answer.refresh_token;
  entry.new_id_token = answer.id_token;
  if (mode === 'refresh_spend_hang') {
    // processed (the token is spent), and the answer never comes
    holdOpen(res, entry);
    return;
  }
  if (loseNextRefreshAnswer) {
    // processed (the token is spent, new ones exist), but the answer is lost
    loseNextRefreshAnswer = false;
    entry.status = 'lost';
    console.log(`fake-op: token ${tenant} grant_type=refresh_token mode=${mode}: answer lost (connection destroyed)`);
    res.socket?.destroy();
    res.destroy();
    return;
  }
  sendJson(res, 200, answer);
}

function token(tenant, req, res, form, entry) {
  if (mode === 'token_hang' || (mode === 'refresh_hang' && form.grant_type === 'refresh_token')) {
    holdOpen(res, entry);
    return;
  }
  if (mode === 'token_error_500') {
    send(res, 500, 'fake-op: internal server error\n');
    return;
  }
  if (mode === 'token_huge') {
    // a 300 KB answer, over the module's 256 KB limit for provider answers
    sendJson(res, 200, { access_token: 'a', padding: 'x'.repeat(300 * 1024) });
    return;
  }
  if (mode === 'token_error_invalid_client') {
    tokenError(res, 401, 'invalid_client', 'client authentication failed (mode token_error_invalid_client)');
    return;
  }

  const basic = parseBasic(req.headers.authorization);
  if (basic && (form.client_secret !== undefined)) {
    tokenError(res, 400, 'invalid_request', 'more than one client authentication method used');
    return;
  }
  const clientId = basic ? basic.clientId : form.client_id;
  const secret = basic ? basic.secret : form.client_secret;
  const client = CLIENTS.get(clientId);
  if (!client || secret !== client.secret) {
    tokenError(res, 401, 'invalid_client', 'client authentication failed');
    return;
  }
  if (!client.methods.includes(basic ? 'basic' : 'post')) {
    // the right secret, sent another way than the app is set up for
    tokenError(res, 401, 'invalid_client',
      `client authentication failed: ${clientId} authenticates with client_secret_${client.methods[0]} only`);
    return;
  }
  if (basic && form.client_id !== undefined && form.client_id !== basic.clientId) {
    tokenError(res, 400, 'invalid_request', 'client_id does not match the authenticated client');
    return;
  }

  if (form.grant_type === 'refresh_token') {
    const failure = REFRESH_FAILURES[mode];
    if (failure) {
      const [status, body] = failure;
      entry.refresh_error = typeof body === 'string' ? `HTTP ${status}` : (body.error ?? body.errorCode);
      if (typeof body === 'string') send(res, status, body, 'text/html');
      else sendJson(res, status, body);
      return;
    }
    refresh(tenant, res, form, entry);
    return;
  }
  if (form.grant_type !== 'authorization_code') {
    tokenError(res, 400, 'unsupported_grant_type', `grant_type ${form.grant_type ?? '(missing)'} is not supported`);
    return;
  }

  const grant = form.code ? codes.get(form.code) : undefined;
  if (!grant || grant.tenant !== tenant) {
    tokenError(res, 400, 'invalid_grant', 'unknown authorization code');
    return;
  }
  if (grant.used) {
    tokenError(res, 400, 'invalid_grant', 'authorization code already used');
    return;
  }
  grant.used = true;
  if (Date.now() - grant.createdAt > CODE_TTL_MS) {
    tokenError(res, 400, 'invalid_grant', 'authorization code expired');
    return;
  }
  if (grant.clientId !== clientId) {
    tokenError(res, 400, 'invalid_grant', 'authorization code was issued to another client');
    return;
  }
  if (form.redirect_uri !== grant.redirectUri) {
    tokenError(res, 400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    return;
  }
  if (grant.codeChallenge !== undefined) {
    if (grant.codeChallengeMethod !== 'S256') {
      tokenError(res, 400, 'invalid_grant', 'only the S256 code_challenge_method is supported');
      return;
    }
    const verifier = form.code_verifier;
    const expected = typeof verifier === 'string'
      ? crypto.createHash('sha256').update(verifier, 'ascii').digest('base64url')
      : undefined;
    if (expected === undefined || expected !== grant.codeChallenge) {
      tokenError(res, 400, 'invalid_grant', 'PKCE verification failed');
      return;
    }
  }
  const answer = mintTokens(grant);
  entry.new_access_token = answer.access_token;
  entry.new_refresh_token = answer.refresh_token;
  entry.new_id_token = answer.id_token;
  sendJson(res, 200, answer);
}

// The userinfo endpoint: the default claims, with those of POST
// /_test/userinfo merged over them, for an access token this tenant issued;
// or broken as the mode says.  `entry` records the token presented.
function userinfo(tenant, req, res, entry) {
  const m = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization || '');
  const grant = m ? accessTokens.get(m[1]) : undefined;
  entry.bearer_token = m ? m[1] : undefined;
  entry.bearer_issued = Boolean(grant && grant.tenant === tenant);

  if (mode === 'userinfo_hang') {
    holdOpen(res, entry);
    console.log(`fake-op: userinfo ${tenant} mode=${mode}: holding the request open`);
    return;
  }
  const failure = USERINFO_FAILURES[mode];
  if (failure) {
    const [status, body, type, headers] = failure;
    send(res, status, body, type, headers);
    return;
  }
  if (!entry.bearer_issued) {
    send(res, 401, '', 'text/plain', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    return;
  }
  const answer = {
    sub: 'mallory-sub',
    email: 'mallory@example.com',
    email_verified: true,
    name: 'Mallory Fake',
    preferred_username: 'mallory',
    ...structuredClone(userinfoClaims),
  };
  if (mode === 'userinfo_sub_mismatch') answer.sub = 'someone-else';
  if (mode === 'userinfo_huge') {
    // a valid answer of about 300 KB, over the module's 256 KiB limit
    answer.padding = 'x'.repeat(300 * 1024);
  }
  sendJson(res, 200, answer);
}

// Token introspection (RFC 7662): POST token=...[&token_type_hint=...] with
// the client's authentication, as at the token endpoint.  The answer for a
// token is the one POST /_test/introspection set, sent as it was given;
// {"active": false} for any other token.  `entry` records the token, the
// client authentication and the answer's `active`.
function introspect(tenant, req, res, form, entry) {
  const basic = parseBasic(req.headers.authorization);
  entry.token = form.token;
  entry.client_auth = basic ? 'basic' : (form.client_secret !== undefined ? 'post' : 'none');
  entry.client_id = basic ? basic.clientId : form.client_id;
  if (mode === 'introspect_hang') {
    holdOpen(res, entry);
    console.log(`fake-op: introspect ${tenant} mode=${mode}: holding the request open`);
    return;
  }
  if (mode === 'introspect_not_json') {
    send(res, 200, '<html><body>Service temporarily unavailable</body></html>\n', 'text/html; charset=utf-8');
    return;
  }
  if (mode === 'introspect_down') {
    sendJson(res, 503, { error: 'temporarily_unavailable', error_description: 'introspection is down (mode introspect_down)' },
      { 'Retry-After': '30' });
    return;
  }
  if (basic && form.client_secret !== undefined) {
    tokenError(res, 400, 'invalid_request', 'more than one client authentication method used');
    return;
  }
  const secret = basic ? basic.secret : form.client_secret;
  if (entry.client_id !== CLIENT_ID || secret !== CLIENT_SECRET) {
    tokenError(res, 401, 'invalid_client', 'client authentication failed');
    return;
  }
  if (typeof form.token !== 'string' || form.token === '') {
    tokenError(res, 400, 'invalid_request', 'token missing');
    return;
  }
  const answer = introspectionAnswers.has(form.token) ? introspectionAnswers.get(form.token) : { active: false };
  entry.active = answer && typeof answer === 'object' ? answer.active : undefined;
  sendJson(res, 200, answer);
}

// ---------------------------------------------------------------- test endpoints

function releaseHanging() {
  for (const res of hanging) res.destroy();
  hanging.clear();
}

async function readJson(req) {
  try {
    return JSON.parse(await readBody(req));
  } catch {
    return undefined;
  }
}

async function testEndpoint(url, req, res) {
  if (url.pathname === '/_test/mint' && req.method === 'POST') {
    const minted = mintAccessToken(await readJson(req));
    if (minted.error) {
      sendJson(res, 400, { error: minted.error });
      return;
    }
    sendJson(res, 200, minted);
    return;
  }
  if (url.pathname === '/_test/rotate' && req.method === 'POST') {
    rotated = true;
    console.log(`fake-op: JWKS rotated: ${nextKey.kid} is published`);
    sendJson(res, 200, { rotated, kids: jwksDocument().keys.map((k) => k.kid) });
    return;
  }
  if (url.pathname === '/_test/rotate' && req.method === 'GET') {
    sendJson(res, 200, { rotated, kids: jwksDocument().keys.map((k) => k.kid) });
    return;
  }
  if (url.pathname === '/_test/introspection' && req.method === 'POST') {
    const body = await readJson(req);
    const tokens = body?.tokens;
    if (!tokens || typeof tokens !== 'object' || Array.isArray(tokens)) {
      sendJson(res, 400, { error: 'expected a JSON body {"tokens": {"<token>": {...answer...}}}' });
      return;
    }
    introspectionAnswers = new Map(Object.entries(tokens));
    console.log(`fake-op: introspection answers for ${introspectionAnswers.size} token(s)`);
    sendJson(res, 200, { tokens: Object.fromEntries(introspectionAnswers) });
    return;
  }
  if (url.pathname === '/_test/introspection' && req.method === 'GET') {
    sendJson(res, 200, { tokens: Object.fromEntries(introspectionAnswers) });
    return;
  }
  if (url.pathname === '/_test/redirect_uris' && req.method === 'POST') {
    const body = await readJson(req);
    const list = (value) => value === undefined || value === null
      || (Array.isArray(value) && value.every((uri) => typeof uri === 'string'));
    if (!body || typeof body !== 'object' || Array.isArray(body) || !list(body.uris) || !list(body.post_logout_uris)) {
      sendJson(res, 400, { error: 'expected a JSON body {"uris": [...], "post_logout_uris": [...]} (each an array of strings, or left out for any)' });
      return;
    }
    signInRedirectUris = body.uris ?? null;
    signOutRedirectUris = body.post_logout_uris ?? null;
    console.log(`fake-op: registered redirect URIs ${JSON.stringify(signInRedirectUris)}, post-logout ${JSON.stringify(signOutRedirectUris)}`);
    sendJson(res, 200, { uris: signInRedirectUris, post_logout_uris: signOutRedirectUris });
    return;
  }
  if (url.pathname === '/_test/redirect_uris' && req.method === 'GET') {
    sendJson(res, 200, { uris: signInRedirectUris, post_logout_uris: signOutRedirectUris });
    return;
  }
  if (url.pathname === '/_test/userinfo' && req.method === 'POST') {
    let claims;
    try {
      ({ claims } = JSON.parse(await readBody(req)));
    } catch {
      claims = undefined;
    }
    if (!claims || typeof claims !== 'object' || Array.isArray(claims)) {
      sendJson(res, 400, { error: 'expected a JSON body {"claims": {...}}' });
      return;
    }
    userinfoClaims = claims;
    console.log(`fake-op: userinfo claims ${JSON.stringify(userinfoClaims)}`);
    sendJson(res, 200, { claims: userinfoClaims });
    return;
  }
  if (url.pathname === '/_test/userinfo' && req.method === 'GET') {
    sendJson(res, 200, { claims: userinfoClaims });
    return;
  }
  if (url.pathname === '/_test/requests' && req.method === 'GET') {
    sendJson(res, 200, requests);
    return;
  }
  if (url.pathname === '/_test/reset' && (req.method === 'POST' || req.method === 'GET')) {
    requests.length = 0;
    setMode('normal');
    accessTokenTtl = ACCESS_TOKEN_TTL;
    userinfoClaims = {};
    introspectionAnswers = new Map();
    signInRedirectUris = null;
    signOutRedirectUris = null;
    unrotate();
    releaseHanging();
    sendJson(res, 200, { reset: true, mode });
    return;
  }
  if (url.pathname === '/_test/ttl' && req.method === 'POST') {
    const seconds = Number(url.searchParams.get('seconds'));
    if (!Number.isInteger(seconds) || seconds < 1) {
      sendJson(res, 400, { error: 'seconds must be an integer >= 1' });
      return;
    }
    accessTokenTtl = seconds;
    sendJson(res, 200, { access_token_ttl: accessTokenTtl });
    return;
  }
  if (url.pathname === '/_test/mode' && (req.method === 'POST' || req.method === 'GET')) {
    const name = url.searchParams.get('name');
    if (name === null) {
      sendJson(res, 200, { mode, modes: [...MODES] });
      return;
    }
    if (!MODES.has(name)) {
      sendJson(res, 400, { error: 'unknown mode', mode, modes: [...MODES] });
      return;
    }
    setMode(name);
    if (!HANGING_MODES.has(mode)) releaseHanging();
    console.log(`fake-op: mode ${mode}`);
    sendJson(res, 200, { mode });
    return;
  }
  sendJson(res, 404, { error: 'not_found' });
}

// ---------------------------------------------------------------- router

async function handle(req, res) {
  const url = new URL(req.url, BASE);

  if (url.pathname.startsWith('/_test/')) {
    await testEndpoint(url, req, res);
    return;
  }

  let form = {};
  if (req.method === 'POST') {
    const raw = await readBody(req);
    if (/^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] || '')) {
      form = Object.fromEntries(new URLSearchParams(raw));
    }
  }

  const basic = parseBasic(req.headers.authorization);
  const entry = {
    time: new Date().toISOString(),
    method: req.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    form,
    auth_scheme: authScheme(req.headers.authorization),
    basic_client_id: basic?.clientId,
    mode,
    status: undefined,
  };
  requests.push(entry);
  res.on('finish', () => { entry.status = res.statusCode; });

  // a tenant is one path segment, or two under /oauth2/ (oauth2/dynamic)
  const m = /^\/(oauth2\/[^/]+|[^/]+)(\/.*)?$/.exec(url.pathname);
  const tenant = m?.[1];
  const rest = m?.[2] || '/';
  if (!tenant || !TENANTS.has(tenant)) {
    send(res, 404, 'fake-op: unknown tenant\n');
    return;
  }
  const misconfigured = MISCONFIGURED[tenant] || {};
  if (misconfigured.clock) {
    // every answer of this tenant, errors and redirects included
    res.setHeader('Date', new Date(Date.now() + misconfigured.clock * 1000).toUTCString());
  }
  if (tenant === 'down') {
    send(res, 500, 'fake-op: tenant down\n');
    return;
  }
  if (tenant === 'hang') {
    holdOpen(res, entry);
    return;
  }

  const isGet = req.method === 'GET' || req.method === 'HEAD';
  switch (rest) {
    case '/.well-known/openid-configuration':
      if (isGet && misconfigured.discovery === 'html') {
        send(res, 200, '<!DOCTYPE html>\n<html><body><h1>Welcome</h1><p>This is not a discovery document.</p></body></html>\n',
          'text/html; charset=utf-8');
        return;
      }
      if (isGet) { sendJson(res, 200, discovery(tenant)); return; }
      break;
    case '/jwks':
      if (isGet && misconfigured.jwks === 'down') { send(res, 500, 'fake-op: jwks down\n'); return; }
      if (isGet && mode === 'refresh_new_key_jwks_down') { send(res, 500, 'fake-op: jwks down\n'); return; }
      if (isGet && mode === 'jwks_hang') { holdOpen(res, entry); return; }
      if (isGet) { sendJson(res, 200, tenantJwks(tenant), { 'Content-Type': 'application/jwk-set+json' }); return; }
      break;
    case '/authorize':
      if (isGet) { authorize(tenant, url, res); return; }
      break;
    case '/token':
      if (req.method === 'POST') {
        res.on('finish', () => {
          const auth = basic ? 'basic' : (form.client_secret !== undefined ? 'post' : 'none');
          console.log(`fake-op: token ${tenant} grant_type=${form.grant_type ?? '-'} client=${basic?.clientId ?? form.client_id ?? '-'} auth=${auth} mode=${entry.mode} status=${res.statusCode}`);
        });
        token(tenant, req, res, form, entry);
        if (entry.status === 'hanging') console.log(`fake-op: token ${tenant} mode=${entry.mode}: holding the request open`);
        return;
      }
      break;
    case '/userinfo':
      if (isGet || req.method === 'POST') {
        res.on('finish', () => {
          console.log(`fake-op: userinfo ${tenant} ${req.method} bearer=${entry.bearer_issued ? 'issued' : (entry.bearer_token ? 'unknown' : '-')} mode=${entry.mode} status=${res.statusCode}`);
        });
        userinfo(tenant, req, res, entry);
        return;
      }
      break;
    case '/introspect':
      if (req.method === 'POST') {
        res.on('finish', () => {
          console.log(`fake-op: introspect ${tenant} client=${entry.client_id ?? '-'} auth=${entry.client_auth} active=${entry.active ?? '-'} mode=${entry.mode} status=${res.statusCode}`);
        });
        introspect(tenant, req, res, form, entry);
        return;
      }
      break;
    case '/logout':
      if (isGet || req.method === 'POST') {
        const target = url.searchParams.get('post_logout_redirect_uri') ?? form.post_logout_redirect_uri;
        if (signOutRedirectUris && target !== undefined && !signOutRedirectUris.includes(target)) {
          oktaErrorPage(res, 'post_logout_redirect_uri', 'Logout', url.searchParams.get('client_id') ?? form.client_id);
          return;
        }
        send(res, 200, 'signed out\n');
        return;
      }
      break;
    default:
      send(res, 404, 'fake-op: not found\n');
      return;
  }
  send(res, 405, 'fake-op: method not allowed\n');
}

function onRequest(req, res) {
  handle(req, res).catch((err) => {
    console.error('fake-op: error', err);
    if (!res.headersSent) send(res, 500, 'fake-op: error\n');
    else res.destroy();
  });
}
const server = TLS_CERT
  ? https.createServer({ cert: fs.readFileSync(TLS_CERT), key: fs.readFileSync(TLS_KEY) }, onRequest)
  : http.createServer(onRequest);
server.keepAliveTimeout = 5000;

server.on('error', (err) => {
  console.error(`fake-op: ${err.message}`);
  process.exit(1);
});

server.listen(PORT, HOST, () => {
  console.log(`fake-op tenants: ${[...TENANTS].map((t) => `${BASE}/${t}`).join(' ')}`);
  console.log(`fake-op clients: ${[...CLIENTS].map(([id, c]) => `${id} / ${c.secret} (${c.methods.map((m) => `client_secret_${m}`).join(', ')})`).join('; ')}`);
  console.log(`fake-op: access tokens expire in ${ACCESS_TOKEN_TTL}s, refresh token reuse grace ${REFRESH_GRACE}s`);
  console.log(`fake-op listening on ${BASE}`);
});

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`fake-op: ${signal}, shutting down`);
  releaseHanging();
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
// SIGUSR2 takes the provider off the network (connections refused) or puts
// it back, keeping every token it issued: a provider down for a while.
let offline; // while offline, a timer keeps the process from exiting
process.on('SIGUSR2', () => {
  if (!offline) {
    offline = setInterval(() => {}, 60 * 60 * 1000);
    server.close();
    server.closeAllConnections();
    console.log('fake-op: offline (SIGUSR2)');
  } else {
    clearInterval(offline);
    offline = undefined;
    server.listen(PORT, HOST, () => console.log('fake-op: back online (SIGUSR2)'));
  }
});
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
