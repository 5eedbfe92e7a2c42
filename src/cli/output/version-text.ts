import { MATRIX_SERVICES, SUPPORT_MATRIX, describeJavaRange, supportMatrixRows } from '../../core/support-matrix.js';

/**
 * `readmodel --version`: the tool, the Node it runs on, and the engines it supports. Pure: versions
 * in, text or a JSON document out.
 */

export function versionDocument(toolVersion: string, nodeVersion: string) {
  return {
    readmodel: toolVersion,
    node: nodeVersion,
    engines: Object.fromEntries(
      MATRIX_SERVICES.map((s) => {
        const e = SUPPORT_MATRIX[s];
        return [
          s,
          {
            supportedMajors: e.lines.map((l) => l.major),
            oldestTested: e.oldest,
            sandboxDefault: e.current,
            java: Object.fromEntries(e.lines.map((l) => [`${l.major}.x`, describeJavaRange(l.java)])),
          },
        ];
      }),
    ),
  };
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

export function versionText(toolVersion: string, nodeVersion: string): string {
  return [
    `readmodel ${toolVersion}`,
    `node ${nodeVersion}`,
    '',
    'Supported engines (the whole suite runs on the sandbox defaults, a smoke suite on the oldest):',
    ...table([['ENGINE', 'MAJORS', 'OLDEST', 'DEFAULT', 'SANDBOX JAVA'], ...supportMatrixRows()]).map((l) => `  ${l}`),
    '',
  ].join('\n');
}
