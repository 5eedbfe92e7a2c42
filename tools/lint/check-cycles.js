// Fails when the modules under src/ import each other in a cycle. Our own check rather than
// import-x/no-cycle: that rule ignores `import type` and dynamic `import()`, and both still tie two
// modules together (the two cycles went through exactly those). It reads every file once with
// TypeScript's import pre-processor, so it takes well under a second.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const srcDir = join(root, 'src');

const sourceFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });

// NodeNext specifiers name the emitted .js file; the source is the .ts/.tsx beside it.
const resolveSpecifier = (from, specifier) => {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.js$/, '');
  return [`${stem}.ts`, `${stem}.tsx`, base, join(base, 'index.ts')].find(
    (candidate) => existsSync(candidate) && candidate.startsWith(srcDir),
  );
};

const files = sourceFiles(srcDir);
const edges = new Map(
  files.map((file) => {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles.map((ref) => resolveSpecifier(file, ref.fileName)).filter(Boolean);
    return [file, [...new Set(targets)]];
  }),
);

// Depth-first search; every back edge closes one cycle, reported once by its sorted member set.
const state = new Map();
const stack = [];
const cycles = new Map();
const visit = (file) => {
  state.set(file, 'open');
  stack.push(file);
  for (const next of edges.get(file) ?? []) {
    if (state.get(next) === 'open') {
      const cycle = stack.slice(stack.indexOf(next));
      const key = [...cycle].sort().join('|');
      if (!cycles.has(key)) cycles.set(key, [...cycle, next]);
    } else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(file, 'done');
};
for (const file of files) if (!state.has(file)) visit(file);

if (cycles.size > 0) {
  for (const cycle of cycles.values()) {
    process.stderr.write(`import cycle: ${cycle.map((file) => relative(root, file)).join(' -> ')}\n`);
  }
  process.stderr.write(
    `${cycles.size} import cycle(s) under src/ (type-only and dynamic imports count): break them by moving the shared part into its own module.\n`,
  );
  process.exitCode = 1;
} else {
  process.stdout.write(`no import cycles among ${files.length} modules under src/\n`);
}
