'use strict';
// Fails when native/trace/connect.skel.h no longer matches its BPF sources:
//  1. always: the SHA-256 of the sources recorded in its first line must be theirs;
//  2. where clang and bpftool are installed: a fresh generation must give the same bytes
//     (clang 14 and bpftool 7.1, Debian bookworm's, made the committed one).
// Regenerate with: node scripts/gen-skeleton.js
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const { SKELETON, headerLine, sourceHash, generate } = require('./gen-skeleton');

function has(tool) {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function check({ rebuild = has('clang') && has('bpftool') } = {}) {
  const committed = fs.readFileSync(SKELETON, 'utf8');
  const problems = [];
  if (!committed.startsWith(headerLine(sourceHash()))) {
    problems.push('its recorded source hash is not the hash of native/trace/connect.bpf.c, connect.h and vmlinux_min.h');
  }
  if (rebuild && problems.length === 0 && generate() !== committed) {
    problems.push('a fresh build of the BPF program gives other bytes');
  }
  return { problems, rebuilt: rebuild };
}

module.exports = { check };

if (require.main === module) {
  const { problems, rebuilt } = check();
  if (problems.length > 0) {
    console.error(`not ok native/trace/connect.skel.h: ${problems.join('; ')}; run node scripts/gen-skeleton.js`);
    process.exit(1);
  }
  console.log(`ok native/trace/connect.skel.h matches its sources${rebuilt ? ' (rebuilt and compared)' : ' (hash only: no clang/bpftool)'}`);
}
