import type { CheckItem, ContractCheckViolation, ValidateContractsReport } from '../../app/validate-contracts/report.js';

/**
 * The validate-contracts report for people (text), for CI test dashboards (JUnit XML: one testcase per
 * check item) and for GitHub Actions (workflow-command annotations on the offending files).
 */
export type ReportFormat = 'text' | 'junit' | 'github';

export function renderReport(report: ValidateContractsReport, format: ReportFormat): string {
  if (format === 'junit') return renderJunit(report);
  if (format === 'github') return renderGithub(report);
  return renderText(report);
}

function where(v: ContractCheckViolation): string {
  return `${v.file}${v.line !== undefined ? `:${v.line}` : ''}`;
}

function summaryLine(report: ValidateContractsReport): string {
  const s = report.summary;
  return `${report.ok ? 'ok' : 'FAILED'}: ${s.items} checked, ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.violations} violation(s)`;
}

/** A broken contract can fail every fixture line; the text view shows the first ones, JSON all. */
const TEXT_VIOLATIONS_PER_ITEM = 20;

export function renderText(report: ValidateContractsReport): string {
  const lines = [`validate-contracts (contracts: ${report.contractsDir}, fixtures: ${report.fixturesDir})`];
  report.checks.forEach((c, i) => {
    const failed = c.items.filter((x) => x.status === 'failed');
    const skipped = c.items.filter((x) => x.status === 'skipped');
    const passed = c.items.length - failed.length - skipped.length;
    lines.push('', `(${String.fromCharCode(97 + i)}) ${c.title}`);
    lines.push(
      `    ${passed} passed${failed.length ? `, ${failed.length} failed` : ''}${skipped.length ? `, ${skipped.length} skipped` : ''}${c.items.length ? '' : ' (nothing to check)'}`,
    );
    for (const it of failed) {
      lines.push(`  FAIL ${it.name}`);
      for (const v of it.violations.slice(0, TEXT_VIOLATIONS_PER_ITEM)) {
        const at = v.file === it.name ? (v.line !== undefined ? `line ${v.line} ` : '') : `${where(v)} `;
        lines.push(`       ${at}${v.pointer} [${v.rule}] ${v.message}${v.otherFile ? ` (vs ${v.otherFile})` : ''}`);
      }
      const more = it.violations.length - TEXT_VIOLATIONS_PER_ITEM;
      if (more > 0) lines.push(`       ... and ${more} more (--json lists every one)`);
    }
    for (const it of skipped) lines.push(`  SKIP ${it.name}: ${it.skipReason}`);
  });
  lines.push('', summaryLine(report));
  return `${lines.join('\n')}\n`;
}

function xml(s: string): string {
  return (
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // XML 1.0 forbids most control characters even when escaped.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point here
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}

function testcase(classname: string, it: CheckItem): string {
  const open = `    <testcase classname="${xml(classname)}" name="${xml(it.name)}"`;
  if (it.status === 'passed') return `${open}/>`;
  if (it.status === 'skipped') return `${open}>\n      <skipped message="${xml(it.skipReason ?? '')}"/>\n    </testcase>`;
  const first = it.violations[0]!;
  const body = it.violations
    .map((v) => `${where(v)} ${v.pointer} [${v.rule}] ${v.message}${v.otherFile ? ` (vs ${v.otherFile})` : ''}`)
    .join('\n');
  return [
    `${open}>`,
    `      <failure message="${xml(`${it.violations.length} violation(s): ${first.message}`)}" type="${xml(first.rule)}">${xml(body)}</failure>`,
    '    </testcase>',
  ].join('\n');
}

export function renderJunit(report: ValidateContractsReport): string {
  const s = report.summary;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="readmodel validate-contracts" tests="${s.items}" failures="${s.failed}" skipped="${s.skipped}" errors="0">`,
  ];
  for (const c of report.checks) {
    const failures = c.items.filter((i) => i.status === 'failed').length;
    const skipped = c.items.filter((i) => i.status === 'skipped').length;
    out.push(`  <testsuite name="${xml(c.id)}" tests="${c.items.length}" failures="${failures}" skipped="${skipped}" errors="0">`);
    out.push(`    <properties><property name="title" value="${xml(c.title)}"/></properties>`);
    for (const it of c.items) out.push(testcase(`readmodel.contracts.${c.id}`, it));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/** Workflow-command escaping: data escapes %, CR, LF; property values also : and ,. */
function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function ghProp(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderGithub(report: ValidateContractsReport): string {
  const out: string[] = [];
  for (const c of report.checks) {
    for (const it of c.items) {
      for (const v of it.violations) {
        const props = [
          `file=${ghProp(v.file)}`,
          ...(v.line !== undefined ? [`line=${v.line}`] : []),
          `title=${ghProp(`${c.id}: ${v.rule} at ${v.pointer}`)}`,
        ];
        out.push(`::error ${props.join(',')}::${ghData(`${v.message}${v.otherFile ? ` (vs ${v.otherFile})` : ''}`)}`);
      }
    }
  }
  out.push(`::${report.ok ? 'notice' : 'error'} title=readmodel validate-contracts::${ghData(summaryLine(report))}`);
  return `${out.join('\n')}\n`;
}
