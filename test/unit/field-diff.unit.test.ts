import { describe, expect, it } from 'vitest';
import { compareIds, diffFields } from '../../src/core/diff/field-diff.js';

describe('field-level document diff', () => {
  it('finds nothing in equal documents, whatever the key order', () => {
    expect(diffFields({ a: 1, b: { c: [1, 2], d: 'x' } }, { b: { d: 'x', c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('names each differing field by JSON pointer with both values', () => {
    expect(
      diffFields(
        { title: 'Pan', price: 10, attrs: { color: 'red', size: 'L' }, tags: ['a'] },
        { title: 'Pan', price: 12, attrs: { color: 'blue', size: 'L' }, tags: ['a', 'b'], extra: true },
      ),
    ).toEqual([
      { path: '/attrs/color', from: 'red', to: 'blue' },
      { path: '/extra', from: undefined, to: true },
      { path: '/price', from: 10, to: 12 },
      { path: '/tags', from: ['a'], to: ['a', 'b'] },
    ]);
  });

  it('escapes pointer tokens and honours ignored paths', () => {
    expect(diffFields({ 'a/b': 1, t: 1 }, { 'a/b': 2, t: 2 }, '', new Set(['/t']))).toEqual([{ path: '/a~1b', from: 1, to: 2 }]);
  });

  it('orders ids by UTF-8 bytes like the engines do', () => {
    expect(compareIds('a', 'b')).toBeLessThan(0);
    expect(compareIds('p10', 'p9')).toBeLessThan(0);
    // U+FF5E (3 UTF-8 bytes) sorts before U+1F600 (4 bytes, a surrogate pair in UTF-16) in both,
    // but U+FFFD vs U+10000 flips: UTF-16 puts the surrogate first, UTF-8 does not.
    expect(compareIds('\uFFFD', '\u{10000}')).toBeLessThan(0);
    expect('\uFFFD' < '\u{10000}').toBe(false);
  });
});
