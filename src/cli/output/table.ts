/**
 * Plain-text tables and field lists for people at a terminal (scripts take `--json`). Our own,
 * small: aligned columns, a cap on the width of a column, colours applied after the padding so
 * escape codes never count as width. Widths count code points; wide (East Asian) characters
 * and emoji may shift a column by one.
 */

/** One column: its heading and how a row's cell reads. */
export interface Column<Row> {
  header: string;
  value(row: Row): string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
  /** Longer cells are cut to this many characters, ending in an ellipsis. */
  maxWidth?: number;
  /** At least this wide: what keeps the rows of a live stream (renderRow) in line. */
  minWidth?: number;
  /** Colours the cell (after padding, so alignment holds); gets the plain cell and its row. */
  paint?(cell: string, row: Row): string;
}

/** Between two columns. */
const GAP = '  ';
const ELLIPSIS = '…';

/**
 * The rows under a header line, every column as wide as its widest cell (and its `minWidth`).
 * No trailing spaces: the last column is not padded. `empty` is printed instead when there
 * are no rows.
 */
export function renderTable<Row>(
  columns: readonly Column<Row>[],
  rows: readonly Row[],
  options: { empty: string; header?: (text: string) => string },
): string {
  if (rows.length === 0) return `${options.empty}\n`;
  const cells = rows.map((row) => cellsOf(columns, row));
  const widths = columns.map((column, i) =>
    Math.max(width(column.header), column.minWidth ?? 0, ...cells.map((line) => width(line[i] ?? ''))),
  );
  const head = joinLine(
    columns,
    widths,
    columns.map((c) => c.header),
    options.header ?? same,
  );
  return [head, ...cells.map((texts, r) => joinLine(columns, widths, texts, painter(columns, rows[r] as Row)))].join('\n') + '\n';
}

/**
 * One row of a table printed a row at a time (a live stream, where later rows are not known):
 * each column is `minWidth` wide, so rows line up as long as their cells fit.
 */
export function renderRow<Row>(columns: readonly Column<Row>[], row: Row): string {
  return joinLine(columns, fixedWidths(columns), cellsOf(columns, row), painter(columns, row)) + '\n';
}

/** The header line over {@link renderRow}'s rows. */
export function renderRowHeader<Row>(columns: readonly Column<Row>[], paint: (text: string) => string = same): string {
  return (
    joinLine(
      columns,
      fixedWidths(columns),
      columns.map((c) => c.header),
      paint,
    ) + '\n'
  );
}

function cellsOf<Row>(columns: readonly Column<Row>[], row: Row): string[] {
  return columns.map((column) => cut(clean(column.value(row)), column.maxWidth));
}

function painter<Row>(columns: readonly Column<Row>[], row: Row): (text: string, i: number) => string {
  return (text, i) => columns[i]?.paint?.(text, row) ?? text;
}

function fixedWidths<Row>(columns: readonly Column<Row>[]): number[] {
  return columns.map((c) => Math.max(width(c.header), c.minWidth ?? 0));
}

function joinLine<Row>(
  columns: readonly Column<Row>[],
  widths: readonly number[],
  texts: readonly string[],
  paint: (text: string, i: number) => string,
): string {
  return texts
    .map((text, i) => paint(pad(text, widths[i] ?? 0, columns[i]?.align ?? 'left', i === texts.length - 1), i))
    .join(GAP)
    .trimEnd();
}

/**
 * `label  value` lines with the labels aligned, for one resource's fields. A null value is
 * left out (an unset field says nothing to a reader); a value of several lines is indented
 * under its first.
 */
export function renderFields(
  fields: readonly (readonly [label: string, value: string | null])[],
  label: (text: string) => string = same,
): string {
  const shown = fields.filter((f): f is readonly [string, string] => f[1] !== null);
  const labelWidth = Math.max(0, ...shown.map(([name]) => width(name)));
  return shown
    .map(([name, value]) => {
      const [first = '', ...rest] = value.split('\n').map(clean);
      const indent = ' '.repeat(labelWidth + GAP.length);
      return [`${label(pad(name, labelWidth, 'left', false))}${GAP}${first}`.trimEnd(), ...rest.map((l) => `${indent}${l}`.trimEnd())].join(
        '\n',
      );
    })
    .join('\n')
    .concat(shown.length > 0 ? '\n' : '');
}

/**
 * Text from the server made safe for a terminal: control characters (a newline in a title, an
 * escape sequence in a log line another client wrote) are shown as `\xNN` instead of moving
 * the cursor or recolouring the screen. Tabs become a space so columns hold.
 */
export function clean(text: string): string {
  return text.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function width(text: string): number {
  return [...text].length;
}

function cut(text: string, max: number | undefined): string {
  if (max === undefined || width(text) <= max) return text;
  return [...text].slice(0, Math.max(0, max - 1)).join('') + ELLIPSIS;
}

function pad(text: string, to: number, align: 'left' | 'right', last: boolean): string {
  const fill = ' '.repeat(Math.max(0, to - width(text)));
  if (align === 'right') return fill + text;
  return last ? text : text + fill;
}

function same(text: string): string {
  return text;
}
