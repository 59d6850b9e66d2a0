'use strict';
// Fails when a Linux .node needs a newer C library or C++ runtime than the stated floor:
// glibc 2.17 and libstdc++ 3.4.22 (GCC 6), below what Node 18+ itself needs on Linux.
// Reads the versioned symbols with readelf, which reads ELF files of any architecture.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const FLOORS = { GLIBC: '2.17', GLIBCXX: '3.4.22', CXXABI: '1.3.9' };
// The connect tracer's addon (trace/tcpstate_trace.node) links libbpf.so.1, which the distributions
// that ship it (Debian 12, Ubuntu 24.04, RHEL 9) pair with glibc 2.34+ and GCC 11+: its own floor.
const TRACE_FLOORS = { GLIBC: '2.34', GLIBCXX: '3.4.29', CXXABI: '1.3.13' };

function compare(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) - (y[i] || 0);
  }
  return 0;
}

/** The newest version each library family is needed at, and the symbols that need more than the floor. */
function requirements(file) {
  const text = execFileSync('readelf', ['-W', '--dyn-syms', file], { encoding: 'utf8' });
  const newest = {};
  const above = [];
  const floors = path.basename(file) === 'tcpstate_trace.node' ? TRACE_FLOORS : FLOORS;
  for (const match of text.matchAll(/\s(\S+)@(GLIBC|GLIBCXX|CXXABI)_([0-9.]+)/g)) {
    const [, symbol, family, version] = match;
    if (!newest[family] || compare(version, newest[family]) > 0) newest[family] = version;
    if (compare(version, floors[family]) > 0) above.push(`${symbol}@${family}_${version}`);
  }
  return { newest, above };
}

function nodeFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return nodeFiles(full);
    return entry.name.endsWith('.node') ? [full] : [];
  });
}

function main() {
  const root = path.join(__dirname, '..');
  const files = process.argv.length > 2
    ? process.argv.slice(2)
    : nodeFiles(path.join(root, 'prebuilds')).filter((f) => /[\\/]linux-[^\\/]+[\\/]/.test(f));
  if (files.length === 0) {
    console.error('check-glibc: no Linux .node files to check');
    process.exit(1);
  }
  let failed = 0;
  for (const file of files) {
    const { newest, above } = requirements(file);
    const needs = Object.entries(newest).map(([family, version]) => `${family} ${version}`).join(', ');
    if (above.length) {
      failed++;
      console.log(`not ok ${path.relative(root, file)}: needs ${needs}; above the floor: ${above.join(' ')}`);
    } else {
      console.log(`ok ${path.relative(root, file)}: needs ${needs || 'nothing versioned'}`);
    }
  }
  const floor = Object.entries(FLOORS).map(([family, version]) => `${family} ${version}`).join(', ');
  console.log(`floor: ${floor}`);
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main();

module.exports = { requirements, FLOORS };
