/**
 * Which engine versions readmodel supports, which it is tested on, and which Java each needs to run
 * (for the sandbox). Pure data plus the pure rules derived from it; `readmodel --version`, the sandbox
 * and the README all read the same table.
 */

export type MatrixService = 'kafka' | 'opensearch' | 'elasticsearch';

export interface JavaRange {
  /** Lowest Java major the engine starts on. */
  min: number;
  /** Highest Java major it is known to start on; absent when no upper limit is known. */
  max?: number;
}

export interface EngineLine {
  /** A supported major and the Java range its releases need. */
  major: number;
  java: JavaRange;
}

export interface EngineSupport {
  service: MatrixService;
  label: string;
  /** What the sandbox runs by default and the whole suite is tested on. */
  current: string;
  /** The oldest supported version: the smoke suite runs on it. */
  oldest: string;
  lines: readonly EngineLine[];
}

export const SUPPORT_MATRIX: Record<MatrixService, EngineSupport> = {
  kafka: {
    service: 'kafka',
    label: 'Apache Kafka',
    current: '4.4.0',
    oldest: '3.9.1',
    lines: [
      { major: 3, java: { min: 11 } },
      { major: 4, java: { min: 17 } },
    ],
  },
  opensearch: {
    service: 'opensearch',
    label: 'OpenSearch',
    current: '3.8.0',
    oldest: '2.19.3',
    // 2.x relies on the Java security manager, which Java 24 removed.
    lines: [
      { major: 2, java: { min: 11, max: 21 } },
      { major: 3, java: { min: 21 } },
    ],
  },
  elasticsearch: {
    service: 'elasticsearch',
    label: 'Elasticsearch',
    current: '9.5.0',
    oldest: '8.19.7',
    lines: [
      { major: 8, java: { min: 17 } },
      { major: 9, java: { min: 21 } },
    ],
  },
};

export const MATRIX_SERVICES: readonly MatrixService[] = ['kafka', 'opensearch', 'elasticsearch'];

/** "3.8.0" -> 3; undefined for anything that is not major.minor.patch. */
export function versionMajor(version: string): number | undefined {
  const m = /^(\d+)\.\d+\.\d+$/.exec(version.trim());
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

export function engineLine(service: MatrixService, version: string): EngineLine | undefined {
  const major = versionMajor(version);
  return SUPPORT_MATRIX[service].lines.find((l) => l.major === major);
}

export function supportedMajors(service: MatrixService): number[] {
  return SUPPORT_MATRIX[service].lines.map((l) => l.major);
}

export function javaFits(range: JavaRange, major: number): boolean {
  return major >= range.min && (range.max === undefined || major <= range.max);
}

export function describeJavaRange(range: JavaRange): string {
  if (range.max === undefined) return `Java ${range.min}+`;
  return range.min === range.max ? `Java ${range.min}` : `Java ${range.min}-${range.max}`;
}

/** One row per engine: label, majors, oldest, default, Java per major (e.g. "2.x: Java 11-21, 3.x: Java 21+"). */
export function supportMatrixRows(): string[][] {
  return MATRIX_SERVICES.map((s) => {
    const e = SUPPORT_MATRIX[s];
    return [
      e.label,
      e.lines.map((l) => `${l.major}.x`).join(', '),
      e.oldest,
      e.current,
      e.lines.map((l) => `${l.major}.x: ${describeJavaRange(l.java)}`).join(', '),
    ];
  });
}
