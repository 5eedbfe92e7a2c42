import type { GetResult } from '../../app/run-get.js';

/** `get`: what on-call reads first (version, last event, build, live or not), then the document itself. */
export function getText(r: GetResult): string {
  const b = r.build;
  const lines = [
    `${r.model} ${r.id}`,
    `  version       ${r.version} (external: the aggregate version of the last event applied)`,
    `  last event    ${r.lastEventAt ?? '(not recorded)'}`,
    `  index         ${r.index} (${r.live ? `live behind ${r.alias}` : `not live: ${r.alias} points elsewhere`})`,
  ];
  if (b) {
    lines.push(
      `  build         ${b.status}, hash ${b.buildHash}, ${b.mappingFile}, projection ${b.projection.name} v${b.projection.version}, readmodel ${b.toolVersion}`,
      `  built         ${b.startedAt} -> ${b.finishedAt ?? '(not finished)'} from topic ${b.topic}${b.swappedAt ? `, swapped ${b.swappedAt}` : ''}`,
    );
  } else lines.push('  build         (no readmodel manifest: readmodel did not build this index)');
  lines.push('', JSON.stringify(r.document, null, 2), '');
  return lines.join('\n');
}
