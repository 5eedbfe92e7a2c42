import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readProcStart } from '../../src/sandbox/proc.js';
import { runSandboxStatus } from '../../src/sandbox/run.js';
import { writeServiceState } from '../../src/sandbox/service-files.js';
import { javaHomeOfExecutable, servicePaths } from '../../src/sandbox/state.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `sandbox status --only kafka` over a state dir whose kafka state file names this very process. */
async function statusOf(java: string | null, json: boolean): Promise<string> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'readmodel-status-'));
  dirs.push(stateDir);
  const port = await freePort();
  mkdirSync(servicePaths(stateDir, 'kafka').dir, { recursive: true });
  await writeServiceState(stateDir, {
    schema: 1,
    service: 'kafka',
    pid: process.pid,
    procStart: await readProcStart(process.pid),
    port,
    internalPort: port + 1,
    version: '4.4.0',
    endpoint: `127.0.0.1:${port}`,
    logFile: path.join(stateDir, 'kafka/logs/server.log'),
    dataDir: path.join(stateDir, 'kafka/data'),
    startedAt: '2026-12-01T20:00:00.000Z',
    user: null,
    java,
  });
  let out = '';
  const stdout = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
  const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
  await runSandboxStatus(
    { only: 'kafka', kafkaPort: String(port), stateDir, json },
    { stdout, stderr: quiet, env: {}, homeDir: stateDir, uid: 1000 },
  );
  return out;
}

describe('sandbox status shows the Java of each running service', () => {
  it('--json carries the Java up recorded ("<major> <home>"), the table its major', async () => {
    const json = JSON.parse(await statusOf('17 /usr/lib/jvm/java-17-openjdk-amd64', true));
    // Nothing answers on the port, so the (living) process counts as running but unhealthy.
    expect(json.services).toEqual([
      expect.objectContaining({ service: 'kafka', status: 'unhealthy', pid: process.pid, java: '17 /usr/lib/jvm/java-17-openjdk-amd64' }),
    ]);
    const table = (await statusOf('17 /usr/lib/jvm/java-17-openjdk-amd64', false)).split('\n');
    expect(table[0]).toMatch(/^SERVICE\s+STATUS\s+PID\s+ENDPOINT\s+VERSION\s+JAVA\s+LOG$/);
    expect(table[1]).toMatch(new RegExp(`^kafka\\s+unhealthy\\s+${process.pid}\\s+127\\.0\\.0\\.1:\\d+\\s+4\\.4\\.0\\s+17\\s+/`));
  });

  it('an older state file without the Java asks the process, and a process that is no JVM gives null, never a guess', async () => {
    const json = JSON.parse(await statusOf(null, true));
    expect(json.services[0]).toMatchObject({ service: 'kafka', pid: process.pid, java: null });
  });

  it('the Java home of a JVM is found from its executable', () => {
    expect(javaHomeOfExecutable('/usr/lib/jvm/temurin-25-jdk-amd64/bin/java')).toBe('/usr/lib/jvm/temurin-25-jdk-amd64');
    expect(javaHomeOfExecutable('/usr/lib/jvm/temurin-25-jdk-amd64/bin/java (deleted)')).toBeUndefined();
    expect(javaHomeOfExecutable('/usr/bin/node')).toBeUndefined();
    expect(javaHomeOfExecutable('/opt/java')).toBeUndefined();
  });
});
