import { describe, expect, it } from 'vitest';
import { verifyReplayed } from '../../src/app/verify-replayed.js';

const doc = (v: number, title = 't') => ({ title, lastAggregateVersion: v });

describe('verifyReplayed: what the target holds after a replay, not what the write counts say', () => {
  it('classifies each written document', () => {
    const stored = new Map([
      ['same', { id: 'same', version: 3, doc: { lastAggregateVersion: 3, title: 't' } }],
      ['newer', { id: 'newer', version: 5, doc: doc(5) }],
      ['other', { id: 'other', version: 3, doc: doc(3, 'changed by hand') }],
      ['undeleted', { id: 'undeleted', version: 2, doc: doc(2) }],
    ]);
    const checks = verifyReplayed(
      [
        { action: 'index', id: 'same', version: 3, doc: doc(3) },
        { action: 'index', id: 'newer', version: 3, doc: doc(3) },
        { action: 'index', id: 'gone', version: 3, doc: doc(3) },
        { action: 'index', id: 'other', version: 3, doc: doc(3) },
        { action: 'delete', id: 'deleted', version: 4 },
        { action: 'delete', id: 'undeleted', version: 4 },
      ],
      stored,
    );
    expect(checks).toEqual([
      { id: 'same', status: 'ok' },
      { id: 'newer', status: 'newer', storedVersion: 5 },
      { id: 'gone', status: 'absent', expectedVersion: 3 },
      { id: 'other', status: 'different', expectedVersion: 3, storedVersion: 3 },
      { id: 'deleted', status: 'ok' },
      { id: 'undeleted', status: 'different', expectedVersion: 4, storedVersion: 2 },
    ]);
  });
});
