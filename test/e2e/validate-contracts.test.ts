import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { ROOT } from '../support/contracts.js';

// validate-contracts needs neither Kafka nor a search engine: these run the built binary offline.

type S = Record<string, unknown>;

/** A copy of the shipped contracts with two deliberate mistakes, and the report they must produce. */
function brokenContracts(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'readmodel-contracts-')), 'contracts');
  cpSync(path.join(ROOT, 'contracts'), dir, { recursive: true });
  // 1. A title that disagrees with the file name.
  const deletedFile = path.join(dir, 'events/product_deleted.v1.json');
  const deleted = JSON.parse(readFileSync(deletedFile, 'utf8')) as S;
  deleted.title = 'ProductRemoved';
  writeFileSync(deletedFile, JSON.stringify(deleted, null, 2));
  // 2. A new event type (ignored by every projection) whose v2 lowers a maximum under BACKWARD.
  const coupon = (version: number, maxPercent: number): S => ({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://readmodel.dev/contracts/events/coupon_applied.v${version}.json`,
    title: 'CouponApplied',
    'x-readmodel': { eventType: 'CouponApplied', version, aggregateType: 'Product', ignored: true },
    type: 'object',
    required: ['percent'],
    properties: { percent: { type: 'integer', minimum: 1, maximum: maxPercent } },
    additionalProperties: false,
  });
  writeFileSync(path.join(dir, 'events/coupon_applied.v1.json'), JSON.stringify(coupon(1, 90), null, 2));
  writeFileSync(path.join(dir, 'events/coupon_applied.v2.json'), JSON.stringify(coupon(2, 50), null, 2));
  return dir;
}

describe('readmodel validate-contracts', () => {
  it('passes on the shipped contracts, fixtures and mappings: exit 0', async () => {
    const r = await runCli(['validate-contracts']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok: \d+ checked, \d+ passed, 0 failed, \d+ skipped, 0 violation\(s\)$/m);
    expect(r.stdout).toContain('SKIP PriceUpdated v1 -> v2 (NONE)');
    expect(r.stderr).toBe('');
  });

  it('--json prints the full report', async () => {
    const r = await runCli(['validate-contracts', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: true, summary: { failed: 0, violations: 0 } });
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(['schemas', 'fixtures', 'compatibility', 'coverage', 'mappings']);
  });

  it('reports every violation with file, pointer and rule, once, and exits 1', async () => {
    const dir = brokenContracts();
    const r = await runCli(['validate-contracts', '--contracts', dir, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout); // exactly one JSON document: the error is not printed again
    expect(report.ok).toBe(false);
    expect(report.summary).toMatchObject({ failed: 2, violations: 2 });
    const violations = report.checks.flatMap((c: { items: Array<{ violations: unknown[] }> }) => c.items.flatMap((i) => i.violations));
    expect(violations).toEqual([
      {
        file: path.join(dir, 'events/product_deleted.v1.json'),
        pointer: '/title',
        rule: 'title-mismatch',
        message: 'title "ProductRemoved" must be "ProductDeleted" (from the file name)',
      },
      {
        file: path.join(dir, 'events/coupon_applied.v2.json'),
        otherFile: path.join(dir, 'events/coupon_applied.v1.json'),
        pointer: '/properties/percent/maximum',
        rule: 'MAXIMUM_DECREASED',
        message: 'BACKWARD: a consumer on v2 cannot read data written with v1: the reader lowered the maximum (90 -> 50)',
      },
    ]);
    expect(r.stderr).toBe('');
  });

  it('--format junit prints JUnit XML: one testcase per check item', async () => {
    const dir = brokenContracts();
    const [xml, json] = await Promise.all([
      runCli(['validate-contracts', '--contracts', dir, '--format', 'junit']),
      runCli(['validate-contracts', '--contracts', dir, '--json']),
    ]);
    expect(xml.code).toBe(1);
    const report = JSON.parse(json.stdout);
    const out = xml.stdout;
    expect(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(out.trim().endsWith('</testsuites>')).toBe(true);
    expect(out.match(/<testcase /g)).toHaveLength(report.summary.items);
    expect(out.match(/<failure /g)).toHaveLength(2);
    expect(out.match(/<skipped /g)).toHaveLength(report.summary.skipped);
    expect(out.match(/<testsuite /g)).toHaveLength(5);
    expect(out.match(/<\/testsuite>/g)).toHaveLength(5);
    expect(out).toMatch(new RegExp(`<testsuites name="readmodel validate-contracts" tests="${report.summary.items}" failures="2"`));
    // Balanced: every testcase that opens a body closes it.
    expect((out.match(/<testcase [^>]*[^/]>/g) ?? []).length).toBe((out.match(/<\/testcase>/g) ?? []).length);
  });

  it('--format github prints one annotation per violation', async () => {
    const r = await runCli(['validate-contracts', '--contracts', brokenContracts(), '--format', 'github']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('::error file='))).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^::error file=[^,]+product_deleted\.v1\.json,title=schemas%3A title-mismatch at \/title::title "ProductRemoved"/,
    );
  });

  it('an unknown --format is a usage error: exit 2', async () => {
    const r = await runCli(['validate-contracts', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("argument 'xml' is invalid");
  });

  it('--json with --format junit is a usage error: exit 2, as JSON', async () => {
    const r = await runCli(['validate-contracts', '--format', 'junit', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'USAGE', exitCode: 2 });
  });

  it('a missing contracts folder is a usage error: exit 2', async () => {
    const r = await runCli(['validate-contracts', '--contracts', path.join(tmpdir(), 'readmodel-no-such-dir'), '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: 'NO_SUCH_DIRECTORY', exitCode: 2 });
  });
});
