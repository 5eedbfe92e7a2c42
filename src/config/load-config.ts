import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cosmiconfig } from 'cosmiconfig';
import { createAjv } from '../core/contracts/ajv-factory.js';
import { ConfigError } from '../core/errors.js';
import { configSchema } from './config-schema.js';
import type { ReadmodelConfig, ResolvedConfig } from './config-types.js';
import { didYouMean } from '../core/naming/did-you-mean.js';
import { assertIndexBase, assertTopicName } from '../core/naming/name-checks.js';
import { builtInModels } from '../core/read-models/catalog.js';
import { resolveConfig, type ConnectionFlags } from './resolve-config.js';

/** The package's own folder: shipped contracts and mappings live there. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const explorer = () =>
  cosmiconfig('readmodel', {
    searchPlaces: [
      'package.json',
      '.readmodelrc',
      '.readmodelrc.json',
      '.readmodelrc.yaml',
      '.readmodelrc.yml',
      '.readmodelrc.js',
      '.readmodelrc.mjs',
      'readmodel.config.json',
      'readmodel.config.yaml',
      'readmodel.config.yml',
      'readmodel.config.js',
      'readmodel.config.mjs',
      'readmodel.config.ts',
    ],
    searchStrategy: 'project',
  });

export async function loadConfig(options: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  flags: ConnectionFlags & { config?: string };
}): Promise<ResolvedConfig> {
  let result: { config: unknown; filepath: string } | null;
  try {
    result = options.flags.config
      ? await explorer().load(path.resolve(options.cwd, options.flags.config))
      : await explorer().search(options.cwd);
  } catch (cause) {
    throw new ConfigError(`cannot read the config file: ${(cause as Error).message}`, {
      context: { path: options.flags.config ?? options.cwd },
      suggestion: 'fix the file or pass --config with another one',
    });
  }
  const file = (result?.config ?? {}) as ReadmodelConfig;
  validateConfig(file, result?.filepath);
  checkModelEntries(
    file,
    builtInModels.map((m) => m.name),
    result?.filepath,
  );
  return resolveConfig(file, options.env, options.flags, {
    ...(result?.filepath ? { filePath: result.filepath } : {}),
    defaultContractsDir: path.join(PACKAGE_ROOT, 'contracts'),
    cwd: options.cwd,
  });
}

/**
 * A `models` entry overrides a shipped model or registers one with `module`; anything else is a typo
 * that would otherwise leave the defaults silently in force. Names from the file obey the engines'
 * and Kafka's naming rules.
 */
export function checkModelEntries(file: ReadmodelConfig, shipped: readonly string[], filePath?: string): void {
  for (const [name, entry] of Object.entries(file.models ?? {})) {
    const source = (key: string) => ({ key: `models.${name}.${key}`, ...(filePath ? { file: filePath } : {}) });
    if (!entry.module && !shipped.includes(name)) {
      const guess = didYouMean(name, shipped);
      throw new ConfigError(`models.${name}: "${name}" is not a read model readmodel ships${guess ? ` (did you mean "${guess}"?)` : ''}`, {
        code: 'UNKNOWN_MODEL',
        context: { key: `models.${name}`, file: filePath, known: shipped },
        suggestion: guess
          ? `rename the key to "${guess}", or add models.${name}.module to register a new read model`
          : `use one of ${shipped.join(', ')}, or add models.${name}.module to register a new read model`,
      });
    }
    if (entry.topic !== undefined) assertTopicName(entry.topic, source('topic'));
    if (entry.indexBase !== undefined) assertIndexBase(entry.indexBase, source('indexBase'));
  }
}

export function validateConfig(file: unknown, filePath?: string): void {
  const ajv = createAjv();
  const check = ajv.compile(configSchema);
  if (check(file)) return;
  const errors = (check.errors ?? []).map((e) => {
    const p = e.params as Record<string, unknown>;
    const extra = (p.additionalProperty ?? p.missingProperty) as string | undefined;
    const key = `${e.instancePath.replace(/^\//, '').replace(/\//g, '.')}${extra ? `${e.instancePath ? '.' : ''}${extra}` : ''}`;
    return `${key || '(root)'}: ${e.message}`;
  });
  throw new ConfigError(`invalid config: ${errors[0]}`, {
    code: 'INVALID_CONFIG',
    context: { file: filePath, errors },
    suggestion: 'fix the keys listed above (README: Configuration lists every key)',
  });
}
