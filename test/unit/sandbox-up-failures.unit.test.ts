import { describe, expect, it } from 'vitest';
import { SandboxError } from '../../src/core/errors.js';
import { PORT_IN_USE } from '../../src/sandbox/ports-free.js';
import type { ServiceUpResult } from '../../src/sandbox/types.js';
import { systemFailure, upFailureError } from '../../src/sandbox/up-failures.js';

const running = (service: 'kafka' | 'opensearch' | 'elasticsearch', endpoint: string) =>
  ({ service, endpoint, action: 'reused' }) as ServiceUpResult;

describe('upFailureError: one error for an `up` in which services failed', () => {
  it('one failure keeps its message, code and suggestion and says what still runs', () => {
    const e = new SandboxError('kafka failed to start: exit code 1', {
      code: 'X',
      context: { log: '/s/kafka.log' },
      suggestion: 'look at the log',
    });
    const out = upFailureError([{ service: 'kafka', error: e }], [running('opensearch', 'http://127.0.0.1:19200')]) as SandboxError;
    expect(out).toBeInstanceOf(SandboxError);
    expect(out.message).toBe(e.message);
    expect(out.code).toBe('X');
    expect(out.suggestion).toBe('look at the log');
    expect(out.context).toMatchObject({ log: '/s/kafka.log', stillRunning: 'opensearch (http://127.0.0.1:19200)' });
  });

  it('a single failure that is no readmodel error is passed on unchanged', () => {
    const bug = new TypeError('boom');
    expect(upFailureError([{ service: 'kafka', error: bug }], [])).toBe(bug);
  });

  it('several failures: one line per service with holder and log, distinct suggestions, PORT_IN_USE when all are port conflicts', () => {
    const port = (service: string, p: number) =>
      new SandboxError(`${service}: port ${p} in use`, { code: PORT_IN_USE, context: { heldBy: 'pid 42 (java)' }, suggestion: 'move it' });
    const out = upFailureError(
      [
        { service: 'opensearch', error: port('opensearch', 19200) },
        { service: 'elasticsearch', error: port('elasticsearch', 19201) },
      ],
      [],
    ) as SandboxError;
    expect(out.message).toBe('2 sandbox services failed to start: opensearch, elasticsearch');
    expect(out.code).toBe(PORT_IN_USE);
    expect(out.context).toEqual({
      opensearch: 'port 19200 in use (held by pid 42 (java))',
      elasticsearch: 'port 19201 in use (held by pid 42 (java))',
    });
    expect(out.suggestion).toBe('move it');
  });
});

describe('systemFailure', () => {
  it('names the service and the path of an fs error, with a suggestion for EACCES', () => {
    const err = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', path: '/cache/x' });
    const out = systemFailure('kafka', err, false) as SandboxError;
    expect(out).toBeInstanceOf(SandboxError);
    expect(out.message).toBe('kafka: EACCES: permission denied');
    expect(out.context).toEqual({ service: 'kafka', code: 'EACCES', path: '/cache/x' });
    expect(out.suggestion).toContain('make /cache/x readable/writable for the current user');
  });

  it('leaves readmodel errors alone', () => {
    const e = new SandboxError('x');
    expect(systemFailure('kafka', e, true)).toBe(e);
  });
});
