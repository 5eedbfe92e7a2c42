#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built from src/ by `npm run build`). The memory-heavy
// commands start the memory governor themselves (withMemoryGovernor in src/cli/command-kit.ts).
const { main } = await import('../dist/cli/main.js');

process.exitCode = await main(process.argv);
