#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built from src/ by `npm run build`).
// kafkajs 2.x computes a negative timer on Node >= 24 (harmless, clamped to 1 ms); keep it out of operators' logs.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') process.stderr.write(`${w.name}: ${w.message}\n`);
});
// Before any work: keeps the heap near its live size (see memory-governor.ts).
(await import('../dist/cli/memory-governor.js')).governMemory();
const { main } = await import('../dist/cli/main.js');

process.exitCode = await main(process.argv);
