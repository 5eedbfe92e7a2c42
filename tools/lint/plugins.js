// The root eslint.config.js imports its plugins through this file: they are installed in this workspace
// (next to TypeScript 6, which typescript-eslint needs), not in the root node_modules.
export { default as js } from '@eslint/js';
export { default as tseslint } from 'typescript-eslint';
export { default as globals } from 'globals';
export { importX } from 'eslint-plugin-import-x';
export { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
