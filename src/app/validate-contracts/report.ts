/** One broken rule: where (file + JSON pointer, or a line of an NDJSON file), which rule, and why. */
export interface ContractCheckViolation {
  /** Path as the operator sees it: relative to the working directory when inside it. */
  file: string;
  /** The other side of a two-file rule: the older contract of a compatibility pair, the schema an event failed. */
  otherFile?: string;
  /** 1-based line, for NDJSON fixture streams. */
  line?: number;
  /** JSON pointer into `file` (or into the event, for fixtures). */
  pointer: string;
  rule: string;
  message: string;
}

export type CheckId = 'schemas' | 'fixtures' | 'compatibility' | 'coverage' | 'mappings';

export type ItemStatus = 'passed' | 'failed' | 'skipped';

/** One thing checked (a schema file, a fixture, a version pair, an event type, a mapping): one JUnit testcase. */
export interface CheckItem {
  name: string;
  status: ItemStatus;
  skipReason?: string;
  violations: ContractCheckViolation[];
}

export interface CheckResult {
  id: CheckId;
  title: string;
  items: CheckItem[];
}

export interface ReportSummary {
  items: number;
  passed: number;
  failed: number;
  skipped: number;
  violations: number;
}

export interface ValidateContractsReport {
  ok: boolean;
  contractsDir: string;
  fixturesDir: string;
  checks: CheckResult[];
  summary: ReportSummary;
}

export const CHECK_TITLES: Record<CheckId, string> = {
  schemas: 'schemas compile (ajv strict) and match their file names',
  fixtures: 'fixture events validate; invalid fixtures fail as documented',
  compatibility: 'versions of each event type are compatible under their declared mode',
  coverage: 'every handled event type has a contract, every contract is handled or ignored',
  mappings: 'mappings declare every written field and use only what each supported engine offers',
};

export function item(name: string, violations: ContractCheckViolation[]): CheckItem {
  return { name, status: violations.length ? 'failed' : 'passed', violations };
}

export function skippedItem(name: string, reason: string): CheckItem {
  return { name, status: 'skipped', skipReason: reason, violations: [] };
}

export function check(id: CheckId, items: CheckItem[]): CheckResult {
  return { id, title: CHECK_TITLES[id], items };
}

export function summarize(checks: readonly CheckResult[]): ReportSummary {
  const items = checks.flatMap((c) => c.items);
  return {
    items: items.length,
    passed: items.filter((i) => i.status === 'passed').length,
    failed: items.filter((i) => i.status === 'failed').length,
    skipped: items.filter((i) => i.status === 'skipped').length,
    violations: items.reduce((n, i) => n + i.violations.length, 0),
  };
}
