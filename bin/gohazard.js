#!/usr/bin/env node
// The `gohazard` command of a checkout, compiled by tsc into out/ (npm run build). The npm package's
// command is the esbuild bundle dist/cli.js (package.json "bin"), made by `npm pack`.
require('../out/server/src/cli/entry.js');
