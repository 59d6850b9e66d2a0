'use strict';
// Checks shared by the tests: invariants every returned row must satisfy, and an
// independent model of the filters to compute which sockets a filter should return.
const assert = require('node:assert/strict');
const net = require('node:net');
const { STATES } = require('../..');

// The platform facts these invariants assume, each named where it is checked so that a
// failure says which fact no longer holds on the machine under test.
const FACTS = {
  linuxNoPid: 'Linux (netlink and procfs) gives no owning PID: pid is null',
  timeWaitTimer: 'a TIME_WAIT timer runs at most TCP_TIMEWAIT_LEN (60 s): Linux, and Wine, whose table is the Linux host\'s',
  timeWaitNoOwner: 'Linux keeps no owner for TIME_WAIT: uid and inode are null',
  listenRemotePort: 'a listener has no peer: remote port 0',
  listenOwner: 'Linux gives a listener its inode and uid',
  everyStateNamed: 'every raw state this kernel reports has a name: unknown is 0',
};

function isCount(value) {
  return Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

function checkRow(row) {
  const where = JSON.stringify(row);
  assert.deepEqual(Object.keys(row), [
    'family', 'state', 'localAddress', 'localPort', 'remoteAddress', 'remotePort',
    'timerMs', 'uid', 'inode', 'recvQueue', 'sendQueue', 'pid', 'netnsInode',
  ], where);
  assert.ok(Number.isInteger(row.netnsInode) && row.netnsInode > 0, where);
  assert.ok(row.family === 'ipv4' || row.family === 'ipv6', where);
  assert.ok(STATES.includes(row.state), `${FACTS.everyStateNamed}: ${where}`);
  assert.equal(net.isIP(row.localAddress), row.family === 'ipv4' ? 4 : 6, where);
  assert.equal(net.isIP(row.remoteAddress), row.family === 'ipv4' ? 4 : 6, where);
  for (const port of [row.localPort, row.remotePort]) {
    assert.ok(Number.isInteger(port) && port >= 0 && port <= 65535, where);
  }
  for (const field of ['timerMs', 'uid', 'inode']) {
    assert.ok(row[field] === null || isCount(row[field]), `${field}: ${where}`);
  }
  assert.ok(isCount(row.recvQueue) && isCount(row.sendQueue), where);
  if (process.platform === 'linux') assert.equal(row.pid, null, `${FACTS.linuxNoPid}: ${where}`);
  if (row.state === 'TIME_WAIT') {
    assert.ok(row.timerMs > 0 && row.timerMs <= 60000, `${FACTS.timeWaitTimer}: ${where}`);
    assert.equal(row.inode, null, `${FACTS.timeWaitNoOwner}: ${where}`);
    assert.equal(row.uid, null, `${FACTS.timeWaitNoOwner}: ${where}`);
  }
  if (row.state === 'LISTEN') {
    assert.equal(row.remotePort, 0, `${FACTS.listenRemotePort}: ${where}`);
    assert.ok(row.inode > 0, `${FACTS.listenOwner}: ${where}`);
    assert.ok(row.uid !== null, `${FACTS.listenOwner}: ${where}`);
  }
}

function checkSnapshot(snapshot) {
  assert.deepEqual(Object.keys(snapshot.states), [...STATES]);
  for (const part of [snapshot, snapshot.ipv4, snapshot.ipv6]) {
    assert.deepEqual(Object.keys(part.states), [...STATES]);
    let sum = 0;
    for (const name of STATES) {
      assert.ok(isCount(part.states[name]), name);
      sum += part.states[name];
    }
    assert.equal(part.total, sum + part.unknown, 'total counts the named states and the unknown ones');
    assert.equal(part.unknown, 0, FACTS.everyStateNamed);
  }
  for (const name of STATES) {
    assert.equal(snapshot.states[name], snapshot.ipv4.states[name] + snapshot.ipv6.states[name]);
  }
  assert.equal(snapshot.platform, process.platform);
  assert.equal(typeof snapshot.consistent, 'boolean');
  assert.ok(snapshot.durationMs >= 0 && Number.isFinite(snapshot.durationMs));
  assert.ok(Math.abs(snapshot.timestamp - Date.now()) < 60000);
}

const MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

// Does `address` (of a socket) fall in `cidr`? IPv4 filters match IPv4-mapped IPv6 too.
function inCidr(address, cidr) {
  let [ip, length] = cidr.split('/');
  let version = net.isIP(ip);
  let prefix = length === undefined ? (version === 4 ? 32 : 128) : Number(length);
  if (version === 6 && MAPPED.test(ip) && prefix >= 96) {
    ip = MAPPED.exec(ip)[1];
    version = 4;
    prefix -= 96;
  }
  let candidate = address;
  if (version === 4 && net.isIPv6(candidate)) {
    const m = MAPPED.exec(candidate);
    if (!m) return false;
    candidate = m[1];
  }
  if (net.isIP(candidate) !== version) return false;
  const list = new net.BlockList();
  const type = version === 4 ? 'ipv4' : 'ipv6';
  list.addSubnet(ip, prefix, type);
  return list.check(candidate, type);
}

function inPorts(port, filter) {
  if (filter === undefined) return true;
  const [min, max] = typeof filter === 'number' ? [filter, filter] : filter;
  return port >= min && port <= max;
}

/** The model: would these options select this socket? */
function matches(row, options) {
  const family = options.family || 'all';
  if (family !== 'all' && row.family !== family) return false;
  if (options.states && !options.states.includes(row.state)) return false;
  if (!inPorts(row.localPort, options.localPort)) return false;
  if (!inPorts(row.remotePort, options.remotePort)) return false;
  if (options.localAddress && !inCidr(row.localAddress, options.localAddress)) return false;
  if (options.remoteAddress && !inCidr(row.remoteAddress, options.remoteAddress)) return false;
  return true;
}

function key(row) {
  return `${row.family} ${row.state} ${row.localAddress}:${row.localPort} -> ${row.remoteAddress}:${row.remotePort}`;
}

function keys(rows) {
  return rows.map(key).sort();
}

module.exports = { FACTS, checkRow, checkSnapshot, matches, keys };
