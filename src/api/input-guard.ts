import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../core/errors.js';

/**
 * Deepest nesting of arrays and objects a request may carry; the body itself is level 1,
 * so a `result` holds up to 31 levels. Real results are shallow; this bound keeps every
 * recursive walk behind the API (canonical hashing, JSON encoding for the stores, the
 * socket fan-out) far from the stack's limit, on every store alike.
 */
export const JSON_DEPTH_MAX = 32;

/** One input the stores cannot hold as sent: where (JSON pointer) and why. */
export interface InputProblem {
  field: string;
  message: string;
}

/**
 * What PostgreSQL refuses and SQLite would silently keep or mangle: NUL (U+0000, refused
 * in TEXT and JSONB) and UTF-16 surrogates without their pair (not Unicode; JSONB refuses
 * them, and both drivers would store U+FFFD in TEXT instead of what was sent).
 */
const UNSTORABLE_CHARACTER = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where the inputs of a request live, named as Fastify names them in validation errors. */
const LOCATIONS = ['params', 'querystring', 'body'] as const;

/**
 * Finds the first string or object key no store can hold, or the first array or object
 * nested deeper than {@link JSON_DEPTH_MAX}. The walk stops at that depth, so a body of
 * any depth is checked without deep recursion.
 */
export function findUnstorable(value: unknown, pointer = '', depth = 0): InputProblem | null {
  if (typeof value === 'string') return stringProblem(value, pointer, 'contains');
  if (value === null || typeof value !== 'object') return null;
  if (depth + 1 > JSON_DEPTH_MAX) return { field: pointer, message: `nests deeper than ${JSON_DEPTH_MAX} levels of arrays and objects` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findUnstorable(value[i], `${pointer}/${i}`, depth + 1);
      if (problem !== null) return problem;
    }
    return null;
  }
  for (const [key, member] of Object.entries(value)) {
    const at = `${pointer}/${escapePointer(key)}`;
    const problem = stringProblem(key, at, 'has a key that contains') ?? findUnstorable(member, at, depth + 1);
    if (problem !== null) return problem;
  }
  return null;
}

/**
 * Refuses unstorable input at the edge, once for every route: params, query and body
 * (including strings and keys deep inside JSON-valued fields such as `result`). Without
 * it PostgreSQL answered 500 where SQLite stored the input, so the two stores disagreed.
 */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const parts = { params: request.params, querystring: request.query, body: request.body };
    for (const location of LOCATIONS) {
      const problem = findUnstorable(parts[location]);
      if (problem === null) continue;
      const field = problem.field === '' ? '' : `${problem.field} `;
      throw new ValidationError(`Invalid ${location}: ${field}${problem.message}`, {
        field: problem.field,
        location,
        errors: [problem],
      });
    }
  });
}

function stringProblem(text: string, field: string, verb: string): InputProblem | null {
  const found = UNSTORABLE_CHARACTER.exec(text);
  if (found === null) return null;
  const what = found[0] === '\u0000' ? 'a NUL character (U+0000)' : 'a lone UTF-16 surrogate (not valid Unicode)';
  return { field, message: `${verb} ${what}, which cannot be stored` };
}

/** RFC 6901: `~` and `/` in a key are written `~0` and `~1`. */
function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
