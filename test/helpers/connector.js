'use strict';
// A test client for the connect tracer, run inside a test namespace (ip netns exec):
//   node connector.js '{"host":"127.0.0.1","port":5000,"count":15,"listen":true,"hold":true}'
// makes `count` connect() attempts one after another (non-blocking, as Node does), keeps the
// connected sockets open when `hold`, and prints what it saw as JSON: its pid, the attempts,
// how many connected, and the failures by error code.
const net = require('node:net');

async function main() {
  const { host, port, count, listen = false, hold = true, timeoutMs = 20000 } = JSON.parse(process.argv[2]);
  let server = null;
  if (listen) {
    server = net.createServer((socket) => socket.on('error', () => {}));
    await new Promise((resolve, reject) => server.once('error', reject).listen({ host, port, backlog: 511 }, resolve));
  }
  const held = [];
  const result = { pid: process.pid, attempts: 0, established: 0, failures: {} };
  for (let i = 0; i < count; i++) {
    result.attempts++;
    await new Promise((resolve) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => socket.destroy(new Error('test timeout')), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        result.established++;
        if (hold) held.push(socket);
        else socket.destroy();
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        const code = error.code ?? error.message;
        result.failures[code] = (result.failures[code] ?? 0) + 1;
        resolve();
      });
    });
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const socket of held) socket.destroy();
  server?.close();
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
