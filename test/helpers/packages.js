'use strict';
// npm packages that tests run but do not import (a Node binary for another platform):
// fetched once with `npm pack` into test/.build/packages and unpacked there.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const cache = path.join(__dirname, '..', '.build', 'packages');

/** The unpacked `package/` folder of an exact `name@version`. */
function cachedPackage(spec) {
  const dir = path.join(cache, spec.replace(/[^a-zA-Z0-9.@-]/g, '_'));
  const unpacked = path.join(dir, 'package');
  if (fs.existsSync(path.join(unpacked, 'package.json'))) return unpacked;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const name = execFileSync('npm', ['pack', spec, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', name], { cwd: dir });
  fs.rmSync(path.join(dir, name));
  return unpacked;
}

module.exports = { cachedPackage };
