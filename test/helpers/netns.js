'use strict';
// Network namespaces made by the tests (root only), and the agent that works inside one.
const { spawn, execFileSync } = require('node:child_process');
const path = require('node:path');

let counter = 0;

/** Why root-only tests cannot run here, or null. Under CI they must run: there it throws. */
function rootSkipReason() {
  if (process.getuid && process.getuid() === 0) return null;
  const reason = 'needs root to create network namespaces (ip netns add)';
  if (process.env.CI) throw new Error(`CI must run every test, but this one ${reason}`);
  return reason;
}

class Namespace {
  constructor(name) {
    this.name = name;
    this.agent = null;
    this.pending = new Map();
    this.nextId = 1;
  }

  static async create() {
    const name = `tcpstate-test-${process.pid}-${++counter}`;
    execFileSync('ip', ['netns', 'add', name]);
    const ns = new Namespace(name);
    try {
      execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
      await ns.start();
    } catch (error) {
      await ns.destroy();
      throw error;
    }
    return ns;
  }

  start() {
    const agent = spawn('ip', ['netns', 'exec', this.name, process.execPath, path.join(__dirname, 'agent.js')], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.agent = agent;
    agent.on('message', (message) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(`agent: ${message.error}`));
      else waiter.resolve(message.value);
    });
    agent.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`agent exited with ${code}`));
      this.pending.clear();
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('agent did not start')), 15000);
      agent.once('message', () => (clearTimeout(timer), resolve()));
      agent.once('error', reject);
    });
  }

  send(command, args) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.agent.send({ id, command, args });
    });
  }

  /** Calls a tcpstate function inside the namespace; resolves { value } or { error }. */
  call(fn, options) {
    return this.send('call', { fn, options });
  }

  async value(fn, options) {
    const result = await this.call(fn, options);
    if (result.error) throw new Error(`${fn} failed in the namespace: ${JSON.stringify(result.error)}`);
    return result.value;
  }

  /** Runs a command in the namespace. */
  exec(file, args) {
    return execFileSync('ip', ['netns', 'exec', this.name, file, ...args], { encoding: 'utf8' });
  }

  async destroy() {
    if (this.agent && this.agent.exitCode === null) {
      const exited = new Promise((resolve) => this.agent.once('exit', resolve));
      this.agent.kill('SIGKILL');
      await exited;
    }
    try {
      execFileSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

module.exports = { Namespace, rootSkipReason };
