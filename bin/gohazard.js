#!/usr/bin/env node
// Entry point of the `gohazard` command; the CLI itself is compiled from server/src/cli.
require('../out/server/src/cli/main.js').runCli(process.argv.slice(2));
