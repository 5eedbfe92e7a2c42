import type { ServiceName } from './types.js';

/**
 * The pinned versions the sandbox runs and how each is fetched from Maven Central. Pure data and
 * pure rendering; the effects live in fetch.ts.
 */
export const KAFKA_VERSION = '4.1.1';
export const OPENSEARCH_VERSION = '2.19.3';
export const ELASTICSEARCH_VERSION = '8.19.7';
/** Kafka 4 logs through SLF4J; this binding routes it into log4j2 so our log4j2.properties applies. */
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

export const ARTIFACTS: Record<ServiceName, Artifact> = {
  kafka: {
    kind: 'dependency-closure',
    service: 'kafka',
    version: KAFKA_VERSION,
    dirName: `kafka-${KAFKA_VERSION}`,
    dependencies: [`org.apache.kafka:kafka_2.13:${KAFKA_VERSION}`, `org.apache.logging.log4j:log4j-slf4j-impl:${LOG4J_SLF4J_VERSION}`],
    approxSize: '43 MB',
  },
  opensearch: {
    kind: 'zip',
    service: 'opensearch',
    version: OPENSEARCH_VERSION,
    dirName: `opensearch-${OPENSEARCH_VERSION}`,
    coordinates: `org.opensearch.distribution.integ-test-zip:opensearch:${OPENSEARCH_VERSION}:zip`,
    launcher: 'bin/opensearch',
    approxSize: '51 MB',
  },
  elasticsearch: {
    kind: 'zip',
    service: 'elasticsearch',
    version: ELASTICSEARCH_VERSION,
    dirName: `elasticsearch-${ELASTICSEARCH_VERSION}`,
    coordinates: `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ELASTICSEARCH_VERSION}:zip`,
    launcher: 'bin/elasticsearch',
    approxSize: '98 MB',
  },
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
