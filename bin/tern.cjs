#!/usr/bin/env node
// The `tern` command line. The TypeScript sources are built into out/ by `npm run build`
// (npm install runs it); this file only hands over to the built entry point.
const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'out', 'main', 'cli.js');
if (!fs.existsSync(entry)) {
  console.error('tern: the app is not built yet. Run `npm install` (or `npm run build`) first.');
  process.exit(1);
}
require(entry);
