import { describe, expect, it } from 'vitest';
import { SandboxError } from '../../src/core/errors.js';
import { chooseJava, dedupeCandidates, olderVersionFor, orderScanned } from '../../src/sandbox/java-select.js';
import type { JavaCandidate } from '../../src/sandbox/java-select.js';

const jdk17: JavaCandidate = { home: '/usr/lib/jvm/java-17-openjdk-amd64', major: 17, source: 'PATH', explicit: false };
const jdk21: JavaCandidate = { home: '/usr/lib/jvm/temurin-21-jdk-amd64', major: 21, source: '/usr/lib/jvm', explicit: false };
const jdk25: JavaCandidate = { home: '/usr/lib/jvm/temurin-25-jdk-amd64', major: 25, source: '/usr/lib/jvm', explicit: false };

function refusal(fn: () => unknown): SandboxError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SandboxError) return err;
    throw err;
  }
  throw new Error('expected a SandboxError');
}

describe('choosing a Java home per service', () => {
  it('runs each service on the first home that fits: Kafka 4 on the 17 from PATH, OpenSearch 3 and Elasticsearch 9 on the scanned 25', () => {
    const found = [jdk17, jdk25];
    expect(chooseJava('kafka', '4.4.0', found)).toEqual({ home: jdk17.home, major: 17, source: 'PATH' });
    expect(chooseJava('opensearch', '3.8.0', found).major).toBe(25);
    expect(chooseJava('elasticsearch', '9.5.0', found).major).toBe(25);
  });

  it('keeps OpenSearch 2.x off Java 24+ (it needs the security manager) and on the newest that fits', () => {
    expect(chooseJava('opensearch', '2.19.3', [jdk25, jdk21, jdk17]).major).toBe(21);
    const err = refusal(() => chooseJava('opensearch', '2.19.3', [jdk25]));
    expect(err.message).toContain('needs Java 11-21');
  });

  it('uses an explicit home when it fits and refuses it (never skips it) when it does not', () => {
    const explicit17: JavaCandidate = { ...jdk17, source: 'READMODEL_SANDBOX_ELASTICSEARCH_JAVA_HOME', explicit: true };
    expect(chooseJava('elasticsearch', '8.19.7', [explicit17, jdk25]).major).toBe(17);
    const err = refusal(() => chooseJava('elasticsearch', '9.5.0', [explicit17, jdk25]));
    expect(err.exitCode).toBe(9);
    expect(err.message).toContain('READMODEL_SANDBOX_ELASTICSEARCH_JAVA_HOME points at Java 17');
    expect(err.message).toContain('needs Java 21+');
  });

  it('says what to install and which older engine runs on what is present when nothing fits', () => {
    const err = refusal(() => chooseJava('opensearch', '3.8.0', [jdk17]));
    expect(err.message).toBe('no suitable Java for opensearch 3.8.0: it needs Java 21+');
    expect(err.context.found).toContain('Java 17 at /usr/lib/jvm/java-17-openjdk-amd64');
    expect(err.suggestion).toContain('install a JDK 21+');
    expect(err.suggestion).toContain('READMODEL_SANDBOX_OPENSEARCH_JAVA_HOME');
    expect(err.suggestion).toContain('OpenSearch 2.19.3, which runs on the Java present: READMODEL_SANDBOX_OPENSEARCH_VERSION=2.19.3');
    expect(err.suggestion).toContain('--versions oldest');
  });

  it('names the absence of any Java and offers no older version it cannot run either', () => {
    const err = refusal(() => chooseJava('elasticsearch', '9.5.0', []));
    expect(err.context.found).toContain('no Java at all');
    expect(err.suggestion).not.toContain('which runs on the Java present');
  });

  it('skips homes whose version could not be read', () => {
    const unknown: JavaCandidate = { home: '/opt/jdk', major: undefined, source: 'JAVA_HOME', explicit: false };
    expect(chooseJava('kafka', '3.9.1', [unknown, jdk17]).home).toBe(jdk17.home);
  });

  it('offers the older line only when a present Java runs it', () => {
    expect(olderVersionFor('elasticsearch', '9.5.0', [17])).toBe('8.19.7');
    expect(olderVersionFor('elasticsearch', '9.5.0', [8])).toBeUndefined();
    expect(olderVersionFor('kafka', '3.9.1', [17])).toBeUndefined();
  });

  it('orders scanned homes newest first, deterministically, and counts a home once', () => {
    expect(orderScanned([jdk17, jdk25, jdk21]).map((c) => c.major)).toEqual([25, 21, 17]);
    expect(dedupeCandidates([jdk17, { ...jdk17, source: '/usr/lib/jvm' }, jdk25])).toEqual([jdk17, jdk25]);
  });
});
