import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SandboxError } from '../core/errors.js';
import { COMPLETE_MARKER, DEFAULT_VERSIONS, OLDEST_VERSIONS, mavenFetchArgs, parseCompleteMarker, renderFetchPom } from './artifacts.js';
import type { Artifact, CompleteMarker } from './artifacts.js';
import { runCommand } from './host.js';
import { tailLines } from './state.js';
import type { SandboxProgress } from './types.js';

/**
 * Fetching the pinned artifacts from Maven Central through `mvn` into the cache dir. A cache entry
 * is complete only when its marker file exists; the marker is written into a staging dir that is
 * then renamed into place, so an interrupted fetch never looks complete and concurrent fetches of
 * the same artifact settle on whichever finished first.
 */

export interface FetchOptions {
  cacheDir: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal | undefined;
  onProgress?: SandboxProgress | undefined;
  /** Per mvn/unzip step; a stalled network must not hang `up` forever. */
  stepTimeoutMs?: number;
}

export interface CachedArtifact {
  dir: string;
  marker: CompleteMarker;
  /** True when this call downloaded it. */
  fetched: boolean;
  fetchMs: number;
}

export function artifactDir(cacheDir: string, artifact: Artifact): string {
  return path.join(cacheDir, artifact.dirName);
}

export async function readCachedArtifact(cacheDir: string, artifact: Artifact): Promise<CompleteMarker | undefined> {
  const dir = artifactDir(cacheDir, artifact);
  try {
    const marker = parseCompleteMarker(await readFile(path.join(dir, COMPLETE_MARKER), 'utf8'), artifact);
    if (!marker) return undefined;
    const probe = artifact.kind === 'zip' ? path.join(dir, artifact.launcher) : path.join(dir, 'libs');
    await stat(probe);
    return marker;
  } catch {
    return undefined;
  }
}

async function measure(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files += 1;
    bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return { files, bytes };
}

/** mvn output without colour codes and boilerplate ("re-run with -e", help links), last lines first-class. */
export function mavenOutputExcerpt(text: string): string {
  const lines = text
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && l !== '[ERROR]' && !/re-run Maven|For more information about the errors|\[Help \d+\] http/i.test(l));
  return tailLines(lines.join('\n'), 20).join('\n');
}

function failure(
  artifact: Artifact,
  what: string,
  command: string,
  out: { code: number | null; stdout: string; stderr: string; spawnError?: NodeJS.ErrnoException },
): SandboxError {
  if (out.spawnError?.code === 'ENOENT') {
    const tool = command.split(' ')[0];
    return new SandboxError(`${artifact.service}: \`${tool}\` is not installed; it is needed to ${what}`, {
      context: { service: artifact.service },
      suggestion: tool === 'mvn' ? 'install Maven (`apt-get install maven`)' : `install ${tool} (\`apt-get install ${tool}\`)`,
    });
  }
  const output = `${out.stdout}\n${out.stderr}\n${out.spawnError?.message ?? ''}`;
  return new SandboxError(`${artifact.service}: could not ${what}`, {
    context: { service: artifact.service, command, exitCode: out.code, output: mavenOutputExcerpt(output) },
    suggestion: fetchFailureSuggestion(artifact, output),
  });
}

/** A version Maven Central does not hold is the operator's choice to change, not a network problem. */
export function fetchFailureSuggestion(artifact: Artifact, mavenOutput: string): string {
  if (/Could not find artifact|Unable to find artifact|was not found in/i.test(mavenOutput)) {
    const s = artifact.service;
    return `${s} ${artifact.version} is not on Maven Central (some minors were never published); choose another with --${s}-version or READMODEL_SANDBOX_${s.toUpperCase()}_VERSION, e.g. the default ${DEFAULT_VERSIONS[s]} or the oldest supported ${OLDEST_VERSIONS[s]}`;
  }
  return 'check that Maven Central is reachable through mvn (`mvn -v`, mirrors/proxies in ~/.m2/settings.xml); a rerun resumes from the Maven local repository';
}

export async function ensureArtifact(artifact: Artifact, o: FetchOptions): Promise<CachedArtifact> {
  const finalDir = artifactDir(o.cacheDir, artifact);
  const cached = await readCachedArtifact(o.cacheDir, artifact);
  if (cached) return { dir: finalDir, marker: cached, fetched: false, fetchMs: 0 };

  const started = Date.now();
  const stepTimeoutMs = o.stepTimeoutMs ?? 15 * 60_000;
  await mkdir(o.cacheDir, { recursive: true });
  const work = path.join(o.cacheDir, `.fetch-${artifact.dirName}-${process.pid}-${randomBytes(4).toString('hex')}`);
  const coords = artifact.kind === 'zip' ? artifact.coordinates : artifact.dependencies.join(' + ');
  o.onProgress?.(artifact.service, `fetching ${coords} from Maven Central (~${artifact.approxSize}, once)`);
  try {
    await mkdir(work, { recursive: true });
    await writeFile(path.join(work, 'pom.xml'), renderFetchPom(artifact));
    const stage = path.join(work, 'stage');
    const mvnOut = artifact.kind === 'zip' ? path.join(work, 'download') : path.join(stage, 'libs');
    const args = mavenFetchArgs(artifact, mvnOut);
    const mvn = await runCommand('mvn', args, { cwd: work, env: o.env, signal: o.signal, timeoutMs: stepTimeoutMs });
    o.signal?.throwIfAborted();
    if (mvn.code !== 0) throw failure(artifact, `fetch ${coords}`, `mvn ${args.join(' ')}`, mvn);

    if (artifact.kind === 'zip') {
      const zips = (await readdir(mvnOut)).filter((f) => f.endsWith('.zip'));
      const zip = zips[0];
      if (zip === undefined) {
        throw new SandboxError(`${artifact.service}: mvn reported success but no zip was copied`, {
          context: { service: artifact.service, dir: mvnOut },
        });
      }
      const unzipArgs = ['-q', '-o', path.join(mvnOut, zip), '-d', path.join(work, 'unpack')];
      const unzip = await runCommand('unzip', unzipArgs, { env: o.env, signal: o.signal, timeoutMs: stepTimeoutMs });
      o.signal?.throwIfAborted();
      if (unzip.code !== 0) throw failure(artifact, `unpack ${zip}`, `unzip ${unzipArgs.join(' ')}`, unzip);
      await rename(path.join(work, 'unpack', artifact.dirName), stage);
      await stat(path.join(stage, artifact.launcher)).catch(() => {
        throw new SandboxError(`${artifact.service}: ${zip} does not contain ${artifact.dirName}/${artifact.launcher}`, {
          context: { service: artifact.service },
        });
      });
    }

    const size = await measure(stage);
    const marker: CompleteMarker = {
      service: artifact.service,
      version: artifact.version,
      ...size,
      fetchedAt: new Date().toISOString(),
      fetchMs: Date.now() - started,
    };
    await writeFile(path.join(stage, COMPLETE_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    // Another process (another state dir sharing this cache) may have completed it meanwhile:
    // theirs is as good as ours. Otherwise replace any incomplete leftover.
    const theirs = await readCachedArtifact(o.cacheDir, artifact);
    if (theirs) return { dir: finalDir, marker: theirs, fetched: true, fetchMs: Date.now() - started };
    await rm(finalDir, { recursive: true, force: true });
    try {
      await rename(stage, finalDir);
    } catch (err) {
      if (!(await readCachedArtifact(o.cacheDir, artifact))) throw err;
    }
    o.onProgress?.(
      artifact.service,
      `fetched ${size.files} files, ${(size.bytes / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return { dir: finalDir, marker, fetched: true, fetchMs: Date.now() - started };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
