// SPDX-License-Identifier: Apache-2.0
// A stand-in for OpenMetadata behind the module (tests/t/examples/openmetadata.t).
// Its API (/api/...) authenticates every call as OpenMetadata's JwtFilter
// does: a JWT in Authorization: Bearer, its RS256 signature checked against
// the keys published at the publicKeyUrls (JWKS_URL), not expired, and the
// user taken from the first of the jwtPrincipalClaims it has (email,
// preferred_username, sub); anything else is a 401.  Every answer shows what
// was received, as JSON, with the principal; WebSocket upgrades of the API
// are authenticated the same way and greet the principal.
// Usage: node openmetadata-standin.js PORT JWKS_URL
//   (prints "standin listening" when ready)
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');

const port = Number(process.argv[2]);
const jwksUrl = process.argv[3];
const PRINCIPAL_CLAIMS = ['email', 'preferred_username', 'sub'];
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

// The provider's published keys, fetched again when a kid is unknown.
let keys = new Map();
function fetchKeys() {
  return new Promise((resolve, reject) => {
    http.get(jwksUrl, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => {
        try {
          keys = new Map(JSON.parse(body).keys.filter((k) => k.kty === 'RSA')
            .map((k) => [k.kid, crypto.createPublicKey({ key: k, format: 'jwk' })]));
          resolve();
        } catch (e) {
          reject(e);
        }
      });
    }).on('error', reject);
  });
}

function decodePart(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

// The principal of a request's bearer token; throws why it is refused.
async function principalOf(authorization) {
  const match = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization || '');
  if (!match) throw new Error('no bearer JWT');
  const [, h, p, s] = match;
  const header = decodePart(h);
  const claims = decodePart(p);
  if (header.alg !== 'RS256') throw new Error(`algorithm ${header.alg}`);
  if (!keys.has(header.kid)) await fetchKeys();
  const key = keys.get(header.kid);
  if (!key) throw new Error(`unknown key ${header.kid}`);
  if (!crypto.verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) {
    throw new Error('bad signature');
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) throw new Error('expired');
  const name = PRINCIPAL_CLAIMS.find((c) => typeof claims[c] === 'string' && claims[c]);
  if (!name) throw new Error('no principal claim');
  return claims[name];
}

// One unmasked text frame (server to client), up to 125 bytes.
function textFrame(text) {
  const payload = Buffer.from(text);
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
}

const server = http.createServer(async (req, res) => {
  const seen = { method: req.method, url: req.url, headers: req.headers };
  if (req.url.startsWith('/api/')) {
    try {
      seen.principal = await principalOf(req.headers.authorization);
    } catch (e) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ...seen, error: e.message }));
      return;
    }
  }
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(seen));
});

server.on('upgrade', async (req, socket) => {
  socket.on('error', () => {});
  const key = req.headers['sec-websocket-key'];
  if ((req.headers.upgrade || '').toLowerCase() !== 'websocket' || !key) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return;
  }
  let principal;
  try {
    principal = await principalOf(req.headers.authorization);
  } catch (e) {
    socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
    return;
  }
  const accept = crypto.createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n'
               + `Connection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  socket.write(textFrame(`hello ${principal}`));
});

server.listen(port, '127.0.0.1', () => console.log(`standin listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
