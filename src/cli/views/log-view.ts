import type { LogLineView } from '../../sdk/index.js';
import type { Style } from '../output/style.js';
import type { Column } from '../output/table.js';
import { time } from '../output/values.js';

/**
 * A task's log line as `task logs` prints it: seq (what `--after` takes), time, attempt,
 * stream, text. stderr reads red and the server's own lines (`system`) dim, so an agent's
 * output stays the plain part.
 */
export function logColumns(style: Style): Column<LogLineView>[] {
  return [
    { header: 'SEQ', value: (l) => String(l.seq), align: 'right', minWidth: 5 },
    { header: 'AT', value: (l) => time(l.at), minWidth: 20, paint: style.dim },
    { header: 'TRY', value: (l) => `#${l.attempt}`, minWidth: 3 },
    { header: 'STREAM', value: (l) => l.stream, minWidth: 6, paint: (cell, l) => streamPaint(style, l)(cell) },
    { header: 'TEXT', value: (l) => l.text, paint: (cell, l) => (l.stream === 'stdout' ? cell : streamPaint(style, l)(cell)) },
  ];
}

function streamPaint(style: Style, line: LogLineView): (text: string) => string {
  return line.stream === 'stderr' ? style.red : line.stream === 'system' ? style.dim : (text) => text;
}
