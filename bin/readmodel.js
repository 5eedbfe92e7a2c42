#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built from src/ by `npm run build`).
// Before any work: keeps the heap near its live size (see memory-governor.ts).
(await import('../dist/cli/memory-governor.js')).governMemory();
const { main } = await import('../dist/cli/main.js');

process.exitCode = await main(process.argv);
