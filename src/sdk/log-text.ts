/** The server's bound on one line (LIMITS.logLineChars): longer lines are sent in pieces. */
const LOG_LINE_CHARS = 8192;

/** Characters the server refuses to store (NUL, a lone UTF-16 half): one in a batch would lose the whole batch. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text as the server's log takes it, each refused character as U+FFFD. A JSON stream can
 * carry a lone surrogate (`"\ud800"`); the work loop's `ctx.log` applies this to every line.
 */
export function storableLogText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/**
 * A line as the server takes it: made storable and cut into pieces of at most
 * LOG_LINE_CHARS, never between the halves of a surrogate pair.
 */
export function pieces(line: string): string[] {
  const text = storableLogText(line);
  if (text.length <= LOG_LINE_CHARS) return [text];
  const out: string[] = [];
  for (let i = 0; i < text.length;) {
    let end = Math.min(i + LOG_LINE_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}
