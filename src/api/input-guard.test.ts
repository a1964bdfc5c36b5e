import { describe, expect, it } from 'vitest';
import { findUnstorable, JSON_DEPTH_MAX } from './input-guard.js';

/** `levels` nested arrays around 1: nested(1) is [1]. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe('findUnstorable', () => {
  it('accepts valid Unicode of every plane, surrogate pairs included', () => {
    expect(findUnstorable({ title: 'é 😀 \uFFFF \u2028', tags: ['\u{10FFFF}'], '😀': { ok: true } })).toBeNull();
  });

  it('names the first NUL or lone surrogate by JSON pointer, in values and keys', () => {
    expect(findUnstorable({ a: ['ok', 'x\u0000'] })).toMatchObject({ field: '/a/1', message: expect.stringContaining('NUL') });
    expect(findUnstorable({ a: { '\ud800': 1 } })).toMatchObject({ field: '/a/\ud800', message: expect.stringContaining('key') });
    expect(findUnstorable({ 'a/b~c': '\udc00' })).toMatchObject({ field: '/a~1b~0c', message: expect.stringContaining('surrogate') });
    expect(findUnstorable('\udc00\ud800')).toMatchObject({ field: '' });
  });

  it(`allows ${JSON_DEPTH_MAX} levels of nesting and names the first value past them`, () => {
    expect(findUnstorable(nested(JSON_DEPTH_MAX))).toBeNull();
    expect(findUnstorable(nested(JSON_DEPTH_MAX + 1))).toEqual({
      field: '/0'.repeat(JSON_DEPTH_MAX),
      message: `nests deeper than ${JSON_DEPTH_MAX} levels of arrays and objects`,
    });
  });

  it('checks a value nested far past the stack limit without overflowing', () => {
    expect(findUnstorable(nested(1_000_000))?.field).toBe('/0'.repeat(JSON_DEPTH_MAX));
  });
});
