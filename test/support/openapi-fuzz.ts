import fc from 'fast-check';

/**
 * Builds random requests for every operation of the OpenAPI document, so a new route is
 * fuzzed the day it is added. Values follow each schema most of the time (so requests
 * reach the handlers and the stores) and are hostile the rest: NUL, lone surrogates,
 * huge numbers, deep nesting, `__proto__` keys, malformed percent-encoding, malformed
 * JSON, wrong content types.
 */

/** The parts of JSON Schema the API's TypeBox schemas use. */
export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
}

/** One operation of the document: method, path template and the schemas of its inputs. */
export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  body: JsonSchema | null;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema: JsonSchema }[]; requestBody?: unknown }>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of `GET /api/openapi.json`, with its path template in Express form (`:taskId`). */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op === undefined) continue;
      const params = op.parameters ?? [];
      const body = (op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)?.content?.['application/json']
        ?.schema;
      ops.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: body ?? null,
      });
    }
  }
  return ops;
}

/** JSON text emitted verbatim: numbers JSON.stringify cannot write (1e400), deep nesting, broken JSON. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text of a generated value; unlike JSON.stringify it keeps own `__proto__` keys and RawJson as written. */
export function encodeJson(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(encodeJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${encodeJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A path or query value: one known to the server (chosen when the request is sent), or literal text. */
export type Slot = { known: 'task' | 'agent' | 'token'; index: number } | { text: string } | { encoded: string };

/** One generated request, before known ids are resolved. */
export interface FuzzRequest {
  op: Operation;
  path: Record<string, Slot>;
  query: [string, Slot][];
  /** `undefined`: no body at all. */
  body: { contentType: string | null; payload: unknown } | undefined;
  role: 'admin' | 'operator' | 'viewer' | 'anonymous' | 'agent';
  agentIndex: number;
  idempotencyKey: string | null;
  leaseTokenHeader: string | null;
}

const UNIT_ANY_CODE_UNIT = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

/** Strings that have broken stores, parsers or encoders somewhere. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\udc00\ud800',
  '😀',
  '__proto__',
  'constructor',
  'toString',
  '../../etc/passwd',
  "'; DROP TABLE tasks; --",
  '%',
  '\\',
  'null',
  'true',
  '1e21',
  '-1',
  '9223372036854775808',
  'TASK-001',
  'P0',
  'pending',
  'A'.repeat(65),
  'é'.repeat(501),
];

/** Percent-encodings a client can send that decode to nothing valid (or to NUL). */
const NASTY_ENCODINGS = ['%00', '%ED%A0%80', '%C0%80', '%FF', '%', '%zz', '%E0%80', 'a%2Fb', '%2e%2e'];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: UNIT_ANY_CODE_UNIT, maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 1.5, -0.5, 1e21, 2 ** 53, 2 ** 63, -(2 ** 63), 1.7976931348623157e308, 5e-324, 2 ** 31),
  fc.constantFrom('1e400', '-1e400', '1E+2', '123456789012345678901234567890', '-0').map((t) => new RawJson(t)),
);

/** `levels` arrays around a leaf. */
export function nestedArrays(levels: number, leaf: unknown = 0): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

/** An object literal with the given entries, `__proto__` included as an own key. */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  return Object.fromEntries(entries);
}

/** Any JSON at all, biased to what breaks things. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.constantFrom(null, true, false, [], {}),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 25, max: 40 }).map((n) => nestedArrays(n)),
  fc.constantFrom(new RawJson(`${'['.repeat(4100)}${']'.repeat(4100)}`), new RawJson(`${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`)),
  fc
    .tuple(fc.constantFrom('__proto__', 'constructor', 'a\u0000', '\ud800'), fc.jsonValue({ maxDepth: 2 }))
    .map(([k, v]) => objectOf([[k, k === 'constructor' ? { prototype: { polluted: true } } : v]])),
);

/**
 * A value for `schema`. Clean values are what the schema accepts (so requests get past
 * validation and reach the handlers and the stores); hostile ones replace any node, now
 * and then, with anything at all, go one past each bound and add unknown keys.
 */
export function valueFor(schema: JsonSchema, vocabulary: readonly string[], hostile: boolean): fc.Arbitrary<unknown> {
  const fitting = conforming(schema, vocabulary, hostile);
  return hostile ? fc.oneof({ arbitrary: fitting, weight: 6 }, { arbitrary: hostileValue, weight: 1 }) : fitting;
}

function conforming(schema: JsonSchema, vocabulary: readonly string[], hostile: boolean): fc.Arbitrary<unknown> {
  const members = schema.anyOf ?? schema.oneOf;
  if (members !== undefined) return fc.oneof(...members.map((m) => valueFor(m, vocabulary, hostile)));
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  switch (schema.type) {
    case 'string':
      return stringFor(schema, vocabulary, hostile);
    case 'integer':
      return integerFor(schema, hostile);
    case 'number':
      return fc.oneof(
        fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(...bounds(schema, hostile)),
      );
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valueFor(schema.items ?? {}, vocabulary, hostile), {
        maxLength: Math.min(schema.maxItems ?? 4, 4) + (hostile ? 1 : 0),
      });
    case 'object':
      return objectFor(schema, vocabulary, hostile);
    default:
      // No type: a JSON-valued field such as `result`, up to the nesting bound.
      return fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        fc.integer({ min: 20, max: hostile ? 40 : 30 }).map((n) => nestedArrays(n, 'leaf')),
      );
  }
}

function stringFor(schema: JsonSchema, vocabulary: readonly string[], hostile: boolean): fc.Arbitrary<string> {
  if (schema.format === 'date-time') {
    const dates = fc
      .date({ min: new Date('1969-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString());
    // What RFC 3339 allows and a JS date may not hold.
    const edges = fc.constantFrom(
      '2026-12-31T23:59:60Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '2026-01-01T00:00:00+14:00',
      '2026-01-01t00:00:00z',
    );
    return fc.oneof({ arbitrary: dates, weight: 3 }, edges);
  }
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 40, 40);
  const plain = fc.oneof(
    fc.string({ minLength: min, maxLength: max }),
    fc.string({ unit: 'grapheme', minLength: Math.max(min, 1), maxLength: Math.min(max, 20) }),
    fc.constantFrom(...vocabulary),
  );
  const fitting =
    schema.pattern === undefined
      ? plain
      : fc.oneof(fc.stringMatching(new RegExp(schema.pattern), { maxLength: max }), plain).filter((t) => t.length >= min);
  return hostile ? fc.oneof(fitting, fc.constant('x'.repeat((schema.maxLength ?? 40) + 1))) : fitting;
}

function integerFor(schema: JsonSchema, hostile: boolean): fc.Arbitrary<unknown> {
  const min = schema.minimum ?? -1000;
  const max = Math.min(schema.maximum ?? 1000, min + 100_000);
  const edges = hostile ? [...bounds(schema, true), 1.5] : bounds(schema, false);
  return fc.oneof({ arbitrary: fc.integer({ min, max: Math.max(min, max) }), weight: 3 }, fc.constantFrom(...edges));
}

/** Each bound; hostile, also one past it and the edges of what a JS number holds exactly. */
function bounds(schema: JsonSchema, hostile: boolean): number[] {
  const values: number[] = [];
  if (schema.minimum !== undefined) values.push(schema.minimum);
  if (schema.maximum !== undefined) values.push(schema.maximum);
  if (!hostile) return values.length > 0 ? values : [0];
  values.push(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, -1);
  if (schema.minimum !== undefined) values.push(schema.minimum - 1);
  if (schema.maximum !== undefined) values.push(schema.maximum + 1);
  return values;
}

function objectFor(schema: JsonSchema, vocabulary: readonly string[], hostile: boolean): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const fields = properties.map(([name, sub]) =>
    fc.option(
      valueFor(sub, vocabulary, hostile).map((v): [string, unknown] => [name, v]),
      { freq: required.has(name) ? 10 : 2, nil: undefined },
    ),
  );
  // Hostile objects now and then carry a key the schema does not know (refused: additionalProperties is false).
  const extra = hostile
    ? fc.option(fc.tuple(fc.oneof(hostileString, fc.constantFrom('status', 'id', 'agent', 'version')), hostileValue), {
        freq: 4,
        nil: undefined,
      })
    : fc.constant(undefined);
  return fc.tuple(fc.tuple(...fields), extra).map(([present, more]) => {
    const entries = present.filter((e): e is [string, unknown] => e !== undefined);
    return objectOf(more === undefined ? entries : [...entries, more]);
  });
}

/** A path or query value. */
function slotFor(name: string, schema: JsonSchema, vocabulary: readonly string[]): fc.Arbitrary<Slot> {
  const known = /task/i.test(name) ? 'task' : /agent/i.test(name) ? 'agent' : /token/i.test(name) ? 'token' : null;
  const literal = fc
    .oneof(valueFor(schema, vocabulary, false), valueFor(schema, vocabulary, true))
    .map((v): Slot => ({ text: typeof v === 'string' ? v : encodeJson(v) }));
  const encoded = fc.constantFrom(...NASTY_ENCODINGS).map((e): Slot => ({ encoded: e }));
  if (known === null) return fc.oneof({ arbitrary: literal, weight: 5 }, { arbitrary: encoded, weight: 1 });
  return fc.oneof(
    { arbitrary: fc.nat().map((index): Slot => ({ known, index })), weight: 6 },
    { arbitrary: literal, weight: 2 },
    { arbitrary: encoded, weight: 1 },
  );
}

/** Bodies that are not a JSON value of the schema: broken JSON, other content types, prototype tricks. */
const oddBody = fc.oneof(
  fc.constantFrom(
    { contentType: 'application/json', payload: new RawJson('{') },
    { contentType: 'application/json', payload: new RawJson('{"a":1}{') },
    { contentType: 'application/json', payload: new RawJson('nul') },
    { contentType: 'application/json', payload: new RawJson('"\u0000"') },
    { contentType: 'application/json', payload: new RawJson('{"__proto__":{"polluted":true}}') },
    { contentType: 'application/json', payload: new RawJson('{"constructor":{"prototype":{"polluted":true}}}') },
    { contentType: 'application/json', payload: new RawJson('{"\\u005f_proto__":{}}') },
    { contentType: 'application/json', payload: new RawJson('["\\ud800"]') },
    { contentType: 'application/json', payload: new RawJson(' ') },
    { contentType: 'application/json; charset=utf-16', payload: new RawJson('{}') },
    { contentType: 'text/plain', payload: new RawJson('hello') },
    { contentType: 'application/x-www-form-urlencoded', payload: new RawJson('title=x&priority=P0') },
    { contentType: 'multipart/form-data; boundary=x', payload: new RawJson('--x\r\n\r\n--x--') },
    { contentType: 'application/xml', payload: new RawJson('<task/>') },
    { contentType: null, payload: new RawJson('{"title":"no content type"}') },
    { contentType: 'application/json', payload: new RawJson('['.repeat(100_000)) },
  ),
  hostileValue.map((payload) => ({ contentType: 'application/json', payload })),
);

/** Random requests for one operation, drawn against `vocabulary` (every enum value of the document). */
export function requestsFor(op: Operation, vocabulary: readonly string[]): fc.Arbitrary<FuzzRequest> {
  const path = fc.record(
    Object.fromEntries(op.pathParams.map((name) => [name, slotFor(name, { type: 'string', maxLength: 64 }, vocabulary)])),
  );
  const query = fc.array(
    fc.oneof(
      {
        arbitrary: fc
          .constantFrom(...(op.query.length > 0 ? op.query : [{ name: 'x', schema: {} }]))
          .chain((q) => fc.tuple(fc.constant(q.name), slotFor(q.name, q.schema, vocabulary))),
        weight: 5,
      },
      { arbitrary: fc.tuple(hostileString, slotFor('', {}, vocabulary)), weight: 1 },
    ),
    { maxLength: op.query.length > 0 ? 4 : 1 },
  );
  const body: fc.Arbitrary<FuzzRequest['body']> =
    op.body === null
      ? fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: oddBody, weight: 1 })
      : fc.oneof(
          { arbitrary: valueFor(op.body, vocabulary, false).map((payload) => ({ contentType: 'application/json', payload })), weight: 5 },
          { arbitrary: valueFor(op.body, vocabulary, true).map((payload) => ({ contentType: 'application/json', payload })), weight: 4 },
          { arbitrary: fc.constant(undefined), weight: 1 },
          { arbitrary: oddBody, weight: 2 },
        );
  return fc.record({
    op: fc.constant(op),
    path,
    query,
    body,
    role: fc.constantFrom('admin', 'admin', 'admin', 'operator', 'anonymous', 'viewer', 'agent'),
    agentIndex: fc.nat(),
    idempotencyKey: fc.option(fc.oneof(fc.constantFrom('key-1', 'key-2'), hostileString), { freq: 4 }),
    leaseTokenHeader: fc.option(fc.oneof(fc.nat().map(String), fc.constantFrom('1e21', '-1', '99999999999999999999')), { freq: 8 }),
  });
}

/** Every enum value anywhere in the document: statuses, priorities, kinds, roles... */
export function vocabularyOf(doc: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown, depth: number): void => {
    if (depth > 40 || node === null || typeof node !== 'object') return;
    const values = (node as { enum?: unknown }).enum;
    if (Array.isArray(values)) for (const v of values) if (typeof v === 'string') found.add(v);
    for (const child of Object.values(node)) visit(child, depth + 1);
  };
  visit(doc, 0);
  return [...found];
}

/** Percent-encodes text as UTF-8; a lone surrogate (which a URL cannot carry) goes as its raw WTF-8 bytes. */
export function percentEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += encodeURIComponent(ch);
    }
  }
  return out;
}
