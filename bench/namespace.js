'use strict';
// The benchmark's network namespaces and every process it starts in them, with cleanup
// that runs on every way out: normal exit, error, SIGINT and SIGTERM.
const { execFileSync, spawn } = require('node:child_process');

const PREFIX = 'tcpstate-bench-';
const live = new Set(); // namespaces not yet deleted
const children = new Set(); // processes started here and not yet exited

function run(args) {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function killPid(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Pids of the processes inside a namespace. */
function pidsIn(name) {
  try {
    return run(['netns', 'pids', name]).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function destroy(name) {
  for (const pid of pidsIn(name)) killPid(pid);
  try {
    run(['netns', 'del', name]);
  } catch {
    // deleted already
  }
  live.delete(name);
}

/** Kills every process started here and deletes every namespace. Synchronous, idempotent. */
function cleanupAll() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) killPid(child.pid);
  children.clear();
  for (const name of [...live]) destroy(name);
}

/** Deletes namespaces left by earlier runs of this benchmark whose process is gone. */
function removeStale() {
  let names;
  try {
    names = run(['netns', 'list']).split('\n').map((line) => line.split(' ')[0]);
  } catch {
    return [];
  }
  const removed = [];
  for (const name of names) {
    const match = new RegExp(`^${PREFIX}(\\d+)$`).exec(name);
    if (!match || Number(match[1]) === process.pid || processAlive(Number(match[1]))) continue;
    destroy(name);
    removed.push(name);
  }
  return removed;
}

let installed = false;
function installCleanup() {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupAll);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
      cleanupAll();
      process.exit(code);
    });
  }
}

class Namespace {
  constructor(name) {
    this.name = name;
  }

  /** A fresh namespace with loopback up and the benchmark's sysctls; one at a time. */
  static create(sysctls) {
    installCleanup();
    const name = `${PREFIX}${process.pid}`;
    if (live.has(name)) throw new Error(`${name} still exists`);
    run(['netns', 'add', name]);
    live.add(name);
    const ns = new Namespace(name);
    try {
      run(['-n', name, 'link', 'set', 'lo', 'up']);
      for (const [key, value] of Object.entries(sysctls)) ns.setSysctl(key, value);
    } catch (error) {
      ns.delete();
      throw error;
    }
    return ns;
  }

  setSysctl(key, value) {
    const file = `/proc/sys/${key.replace(/\./g, '/')}`;
    run(['netns', 'exec', this.name, 'sh', '-c', `echo "$1" > "$2"`, 'sh', String(value), file]);
    const read = this.exec('cat', [file]).trim().replace(/\s+/g, ' ');
    if (read !== String(value)) throw new Error(`${key} is "${read}" in ${this.name}, wanted "${value}"`);
  }

  /** Runs a command inside the namespace and returns its stdout. */
  exec(command, args) {
    return run(['netns', 'exec', this.name, command, ...args]);
  }

  /** Starts a long-running process inside the namespace; it is killed on cleanup. */
  spawn(command, args, options = {}) {
    const child = spawn('ip', ['netns', 'exec', this.name, command, ...args], options);
    children.add(child);
    child.once('exit', () => children.delete(child));
    child.once('error', () => children.delete(child));
    return child;
  }

  /** Socket counts from /proc/net/sockstat and sockstat6 inside the namespace. */
  sockstat() {
    return parseSockstat(this.exec('cat', ['/proc/net/sockstat', '/proc/net/sockstat6']));
  }

  /** Starts a Node script inside the namespace that answers requests over IPC. */
  startNode(script, nodeArgs = []) {
    const child = this.spawn(process.execPath, [...nodeArgs, script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return Remote.started(child, script);
  }

  delete() {
    destroy(this.name);
  }
}

/** A Node process inside a namespace, driven by { id, command, args } messages. */
class Remote {
  constructor(child, name) {
    this.child = child;
    this.name = name;
    this.pending = new Map();
    this.nextId = 1;
    child.on('message', (message) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(`${this.name}: ${message.error}`));
      else waiter.resolve(message.value);
    });
    child.on('exit', (code, signal) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${this.name} exited (${signal || code})`));
      this.pending.clear();
    });
  }

  static started(child, name) {
    const remote = new Remote(child, name);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 30000);
      child.once('message', () => (clearTimeout(timer), resolve(remote)));
      child.once('error', (error) => (clearTimeout(timer), reject(error)));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${name} exited (${code}) before starting`))));
    });
  }

  call(command, args, timeoutMs = 600000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${command} took longer than ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const settle = (fn) => (value) => (clearTimeout(timer), fn(value));
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      this.child.send({ id, command, args });
    });
  }

  /** Disconnects, which ends the process; kills it if it is still there after two seconds. */
  async close() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}

/** Total TCP sockets from sockstat text: established and other full sockets of both families plus TIME_WAIT. */
function parseSockstat(text) {
  const field = (line, name) => {
    const match = new RegExp(`^${line}:.*\\b${name} (\\d+)`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  };
  const ipv4 = field('TCP', 'inuse');
  const ipv6 = field('TCP6', 'inuse');
  const timeWait = field('TCP', 'tw');
  return { total: ipv4 + ipv6 + timeWait, ipv4, ipv6, timeWait, orphan: field('TCP', 'orphan') };
}

module.exports = { Namespace, cleanupAll, removeStale, parseSockstat };
