#!/usr/bin/env node
// Runs the built CLI (npm run build); in a source checkout without a build, the TypeScript through tsx.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
const load = () => (existsSync(built) ? require(built) : (require('tsx/cjs'), require('../src/cli/main.ts')));
load()
  .runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) })
  .then((code) => {
    process.exitCode = code;
  });
