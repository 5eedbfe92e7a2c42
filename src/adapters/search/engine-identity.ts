import { ConfigError } from '../../core/errors.js';
import type { EngineKind } from '../../core/ports/search-sink.js';
import { supportedMajors } from '../../core/support-matrix.js';
import type { SearchResponse } from './search-transport.js';

export interface EngineIdentity {
  engine: EngineKind;
  version: string;
  major: number;
  clusterName: string;
}

/** Majors readmodel is tested against (src/core/support-matrix.ts); anything else is refused rather than half-working. */
export const SUPPORTED_MAJORS: Record<EngineKind, readonly number[]> = {
  elasticsearch: supportedMajors('elasticsearch'),
  opensearch: supportedMajors('opensearch'),
};

/**
 * What the node says it is. `GET /` names the distribution on OpenSearch; minimal Elasticsearch
 * distributions do not serve `GET /`, so the node info decides: only Elasticsearch reports a
 * `build_flavor`.
 */
export function identityFromRoot(res: SearchResponse): EngineIdentity | undefined {
  const v = res.status === 200 ? res.body?.version : undefined;
  if (!v || typeof v.number !== 'string') return undefined;
  return fromVersion(v.distribution === 'opensearch' ? 'opensearch' : 'elasticsearch', v.number, String(res.body.cluster_name ?? ''));
}

export function identityFromNodes(res: SearchResponse): EngineIdentity | undefined {
  const nodes = res.status === 200 ? res.body?.nodes : undefined;
  const first =
    nodes && typeof nodes === 'object' ? (Object.values(nodes)[0] as { version?: unknown; build_flavor?: unknown } | undefined) : undefined;
  if (!first || typeof first.version !== 'string') return undefined;
  return fromVersion(first.build_flavor ? 'elasticsearch' : 'opensearch', first.version, String(res.body.cluster_name ?? ''));
}

function fromVersion(engine: EngineKind, version: string, clusterName: string): EngineIdentity {
  return { engine, version, major: Number.parseInt(version, 10), clusterName };
}

/** A node that is not what the configuration says is a configuration error, found before any state is read. */
export function assertIdentity(configured: EngineKind, found: EngineIdentity, node: string): void {
  if (found.engine !== configured) {
    throw new ConfigError(`the node at ${node} is ${found.engine} ${found.version}, but search.engine says ${configured}`, {
      code: 'ENGINE_MISMATCH',
      context: {
        key: 'search.engine',
        configured,
        found: `${found.engine} ${found.version}`,
        foundEngine: found.engine,
        foundVersion: found.version,
        node,
      },
      suggestion: `set search.engine (or READMODEL_SEARCH_ENGINE / --engine) to "${found.engine}", or point search.node at a ${configured} cluster. Nothing was read or changed.`,
    });
  }
  if (!SUPPORTED_MAJORS[found.engine].includes(found.major)) {
    throw new ConfigError(`${found.engine} ${found.version} at ${node} is not a supported version`, {
      code: 'ENGINE_VERSION_UNSUPPORTED',
      context: { node, found: found.version, supported: SUPPORTED_MAJORS[found.engine].map((m) => `${m}.x`).join(', ') },
      suggestion: `use ${found.engine} ${SUPPORTED_MAJORS[found.engine].map((m) => `${m}.x`).join(' or ')}`,
    });
  }
}
