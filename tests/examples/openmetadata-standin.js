// SPDX-License-Identifier: Apache-2.0
// A stand-in for OpenMetadata behind the module (tests/t/examples/openmetadata.t):
// answers every request with what it received, as JSON, and takes
// WebSocket upgrades, greeting with the user the module handed on.
// Usage: node openmetadata-standin.js PORT   (prints "standin listening" when ready)
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');

const port = Number(process.argv[2]);
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

// One unmasked text frame (server to client), up to 125 bytes.
function textFrame(text) {
  const payload = Buffer.from(text);
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
}

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
});

server.on('upgrade', (req, socket) => {
  const key = req.headers['sec-websocket-key'];
  if ((req.headers.upgrade || '').toLowerCase() !== 'websocket' || !key) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return;
  }
  const accept = crypto.createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n'
               + `Connection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  socket.write(textFrame(`hello ${req.headers['x-okta-claim-email'] || 'nobody'}`));
  socket.on('error', () => {});
});

server.listen(port, '127.0.0.1', () => console.log(`standin listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
