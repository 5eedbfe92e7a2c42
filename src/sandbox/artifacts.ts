import { SUPPORT_MATRIX, versionMajor } from '../core/support-matrix.js';
import type { ServiceName } from './types.js';

/**
 * How each service version is fetched from Maven Central. Pure data and pure rendering; the effects
 * live in fetch.ts. Which versions are the defaults is src/core/support-matrix.ts's business.
 */

/**
 * Kafka logs through SLF4J 1.7 and its closure carries no binding (3.9 and 4.x alike); this one routes
 * it into log4j2 so our log4j2.properties applies.
 */
export const LOG4J_SLF4J_VERSION = '2.24.3';

export interface DependencyClosureArtifact {
  kind: 'dependency-closure';
  service: ServiceName;
  version: string;
  /** Directory name under the cache dir; the jars land in `<dirName>/libs`. */
  dirName: string;
  /** groupId:artifactId:version coordinates whose runtime closure is copied. */
  dependencies: string[];
  /** Rough size for the "first run downloads ..." progress line. */
  approxSize: string;
}

export interface ZipArtifact {
  kind: 'zip';
  service: ServiceName;
  version: string;
  /** Top-level directory inside the zip, also the directory name under the cache dir. */
  dirName: string;
  /** groupId:artifactId:version:packaging for `dependency:copy`. */
  coordinates: string;
  /** A file that must exist in a complete unpack (relative to dirName). */
  launcher: string;
  approxSize: string;
}

export type Artifact = DependencyClosureArtifact | ZipArtifact;

function zipSize(service: 'opensearch' | 'elasticsearch', major: number | undefined): string {
  if (service === 'opensearch') return major === 2 ? '51 MB' : '160 MB';
  return major === 8 ? '98 MB' : '130 MB';
}

export function artifactFor(service: ServiceName, version: string): Artifact {
  if (service === 'kafka') {
    const deps = [`org.apache.kafka:kafka_2.13:${version}`, `org.apache.logging.log4j:log4j-slf4j-impl:${LOG4J_SLF4J_VERSION}`];
    return { kind: 'dependency-closure', service, version, dirName: `kafka-${version}`, dependencies: deps, approxSize: '45 MB' };
  }
  const group = service === 'opensearch' ? 'org.opensearch.distribution.integ-test-zip' : 'org.elasticsearch.distribution.integ-test-zip';
  return {
    kind: 'zip',
    service,
    version,
    dirName: `${service}-${version}`,
    coordinates: `${group}:${service}:${version}:zip`,
    launcher: `bin/${service}`,
    approxSize: zipSize(service, versionMajor(version)),
  };
}

/** The versions the sandbox runs when nothing is chosen: the current line of each engine. */
export const DEFAULT_VERSIONS: Record<ServiceName, string> = {
  kafka: SUPPORT_MATRIX.kafka.current,
  opensearch: SUPPORT_MATRIX.opensearch.current,
  elasticsearch: SUPPORT_MATRIX.elasticsearch.current,
};

export const OLDEST_VERSIONS: Record<ServiceName, string> = {
  kafka: SUPPORT_MATRIX.kafka.oldest,
  opensearch: SUPPORT_MATRIX.opensearch.oldest,
  elasticsearch: SUPPORT_MATRIX.elasticsearch.oldest,
};

/** Written into a cache entry after a complete fetch (and unzip); its presence means "reusable". */
export const COMPLETE_MARKER = '.readmodel-complete.json';

export interface CompleteMarker {
  service: ServiceName;
  version: string;
  files: number;
  bytes: number;
  fetchedAt: string;
  fetchMs: number;
}

export function parseCompleteMarker(text: string, expected: Artifact): CompleteMarker | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  if (m.service !== expected.service || m.version !== expected.version) return undefined;
  if (typeof m.files !== 'number' || typeof m.bytes !== 'number' || m.files <= 0) return undefined;
  return {
    service: expected.service,
    version: expected.version,
    files: m.files,
    bytes: m.bytes,
    fetchedAt: typeof m.fetchedAt === 'string' ? m.fetchedAt : '',
    fetchMs: typeof m.fetchMs === 'number' ? m.fetchMs : 0,
  };
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A throwaway pom for the fetch work dir: it lists the dependencies whose runtime closure
 * `dependency:copy-dependencies` copies (none for zip artifacts, which use `dependency:copy`).
 */
export function renderFetchPom(artifact: Artifact): string {
  const deps = artifact.kind === 'dependency-closure' ? artifact.dependencies : [];
  const depXml = deps
    .map((coords) => {
      const [groupId, artifactId, version] = coords.split(':');
      return [
        '    <dependency>',
        `      <groupId>${xmlEscape(groupId ?? '')}</groupId>`,
        `      <artifactId>${xmlEscape(artifactId ?? '')}</artifactId>`,
        `      <version>${xmlEscape(version ?? '')}</version>`,
        '    </dependency>',
      ].join('\n');
    })
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>local.readmodel.sandbox</groupId>',
    `  <artifactId>fetch-${xmlEscape(artifact.service)}</artifactId>`,
    `  <version>${xmlEscape(artifact.version)}</version>`,
    '  <packaging>pom</packaging>',
    '  <dependencies>',
    depXml,
    '  </dependencies>',
    '</project>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}

/** Arguments for `mvn` run in the fetch work dir; output goes to `outputDir`. */
export function mavenFetchArgs(artifact: Artifact, outputDir: string): string[] {
  const common = ['-q', '-B', '-f', 'pom.xml'];
  if (artifact.kind === 'dependency-closure') {
    return [...common, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${outputDir}`];
  }
  return [...common, 'dependency:copy', `-Dartifact=${artifact.coordinates}`, `-DoutputDirectory=${outputDir}`];
}
