import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8ByteLength } from './task-log.js';

describe('utf8ByteLength', () => {
  it('counts what Node encodes, for any text, lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }),
        (text, surrogates) => {
          const mixed = text + surrogates + text;
          expect(utf8ByteLength(mixed)).toBe(Buffer.byteLength(mixed, 'utf8'));
        },
      ),
      { numRuns: 500 },
    );
  });
});
