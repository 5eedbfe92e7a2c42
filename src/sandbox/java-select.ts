import { SandboxError } from '../core/errors.js';
import { SUPPORT_MATRIX, describeJavaRange, engineLine, javaFits, versionMajor } from '../core/support-matrix.js';
import type { JavaRange } from '../core/support-matrix.js';
import type { ServiceName } from './types.js';

/**
 * Which Java home runs which service. Pure: the candidates (homes found on the host, with their
 * majors) come from host.ts; this module only decides and explains.
 */

export interface JavaCandidate {
  home: string;
  /** undefined when the home's version could not be read. */
  major: number | undefined;
  /** Where it came from: an env variable name, "PATH" or the scanned directory. */
  source: string;
  /** Named by the operator for this run: used as given or refused, never skipped. */
  explicit: boolean;
}

export interface JavaRuntime {
  home: string;
  major: number;
  source: string;
}

export function javaRangeFor(service: ServiceName, version: string): JavaRange {
  // Versions are validated when options are resolved; an unknown line falls back to the strictest.
  return engineLine(service, version)?.java ?? { min: 21 };
}

export function serviceJavaHomeEnv(service: ServiceName): string {
  return `READMODEL_SANDBOX_${service.toUpperCase()}_JAVA_HOME`;
}

export function serviceVersionEnv(service: ServiceName): string {
  return `READMODEL_SANDBOX_${service.toUpperCase()}_VERSION`;
}

const INSTALL_HINT: Record<number, string> = {
  11: 'apt-get install openjdk-17-jdk-headless',
  17: 'apt-get install openjdk-17-jdk-headless',
};

function installHint(range: JavaRange): string {
  const apt = INSTALL_HINT[range.min];
  if (apt) return `install a JDK ${range.min}+ (\`${apt}\`)`;
  // Debian 12 packages only Java 17; newer JDKs come from a vendor's apt repository.
  const example = range.max === undefined ? 'Temurin 21 or 25' : `Temurin ${range.max}`;
  return `install a JDK ${range.min}${range.max === undefined ? '+' : `-${range.max}`} (Debian 12 packages only Java 17; e.g. ${example} from Adoptium's apt repository, \`apt-get install temurin-${range.max ?? 25}-jdk\`) under /usr/lib/jvm`;
}

/** An older supported version of the same engine that runs on one of the Java majors present. */
export function olderVersionFor(service: ServiceName, version: string, presentMajors: readonly number[]): string | undefined {
  const wanted = versionMajor(version);
  const e = SUPPORT_MATRIX[service];
  const lines = e.lines.filter((l) => wanted !== undefined && l.major < wanted && presentMajors.some((m) => javaFits(l.java, m)));
  const best = lines.at(-1);
  if (!best) return undefined;
  const known = [e.oldest, e.current].find((v) => versionMajor(v) === best.major);
  return known ?? `${best.major}.x`;
}

function describe(c: JavaCandidate, withSource = true): string {
  return `Java ${c.major ?? '(unknown version)'} at ${c.home}${withSource ? ` (${c.source})` : ''}`;
}

/**
 * The first explicit candidate decides alone (used when it fits, refused otherwise); without one, the
 * first candidate that fits wins, in the order given (JAVA_HOME, PATH, then the scan, newest first).
 */
export function chooseJava(service: ServiceName, version: string, candidates: readonly JavaCandidate[]): JavaRuntime {
  const range = javaRangeFor(service, version);
  const need = describeJavaRange(range);
  const envName = serviceJavaHomeEnv(service);
  const explicit = candidates.find((c) => c.explicit);
  if (explicit) {
    if (explicit.major !== undefined && javaFits(range, explicit.major)) {
      return { home: explicit.home, major: explicit.major, source: explicit.source };
    }
    throw new SandboxError(`${explicit.source} points at ${describe(explicit, false)}, but ${service} ${version} needs ${need}`, {
      context: { service, version, javaHome: explicit.home, javaMajor: explicit.major ?? null, needs: need },
      suggestion: `point ${explicit.source} at a ${need} home, or unset it to let the sandbox pick one`,
    });
  }
  const fit = candidates.find((c) => c.major !== undefined && javaFits(range, c.major));
  if (fit?.major !== undefined) return { home: fit.home, major: fit.major, source: fit.source };

  const present = candidates.flatMap((c) => (c.major === undefined ? [] : [c.major]));
  const older = olderVersionFor(service, version, present);
  const found =
    candidates.length === 0
      ? 'no Java at all (no JAVA_HOME, no java on PATH, nothing in /usr/lib/jvm)'
      : candidates.map((c) => describe(c)).join('; ');
  const alternatives = [`${installHint(range)}, or point ${envName} at one`];
  if (older) {
    const preset = older === SUPPORT_MATRIX[service].oldest ? ' (or `--versions oldest` for all services)' : '';
    alternatives.push(
      `or run ${SUPPORT_MATRIX[service].label} ${older}, which runs on the Java present: ${serviceVersionEnv(service)}=${older}${preset}`,
    );
  }
  throw new SandboxError(`no suitable Java for ${service} ${version}: it needs ${need}`, {
    context: { service, version, needs: need, found },
    suggestion: alternatives.join('; '),
  });
}

/** Candidates without duplicates (the same home reached as JAVA_HOME and via PATH counts once). */
export function dedupeCandidates(candidates: readonly JavaCandidate[]): JavaCandidate[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    if (seen.has(c.home)) return false;
    seen.add(c.home);
    return true;
  });
}

/** Scanned homes: newest major first, then by path, so the choice is deterministic. */
export function orderScanned(candidates: readonly JavaCandidate[]): JavaCandidate[] {
  return [...candidates].sort((a, b) => (b.major ?? -1) - (a.major ?? -1) || a.home.localeCompare(b.home));
}
