#!/usr/bin/env node
// Chalk (used by Ink) ignores NO_COLOR; map it before anything imports Ink.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') process.env.FORCE_COLOR = '0';
const { main } = await import('../dist/src/cli/main.js');
await main(process.argv);
