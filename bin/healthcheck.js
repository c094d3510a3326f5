#!/usr/bin/env node
// The container health check: `node bin/healthcheck.js [role ...]` exits 0 when the role's health
// endpoint answers 200 (see src/runtime/healthcheck.ts). Runs the build in dist/ (the image), or
// the TypeScript through tsx in a source checkout.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'src', 'runtime', 'healthcheck.js');
const load = () =>
  existsSync(built) ? require(built) : (require('tsx/cjs'), require('../src/runtime/healthcheck.ts'));
load()
  .runHealthcheck(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
