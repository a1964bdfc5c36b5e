import { describe, expect, it } from 'vitest';
import { createStyle } from './style.js';
import { clean, renderFields, renderRow, renderRowHeader, renderTable, type Column } from './table.js';

interface Row {
  id: string;
  n: number;
  title: string;
}

const columns: Column<Row>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'N', value: (r) => String(r.n), align: 'right' },
  { header: 'TITLE', value: (r) => r.title, maxWidth: 8 },
];
const rows: Row[] = [
  { id: 'TASK-1', n: 5, title: 'short' },
  { id: 'TASK-10', n: 120, title: 'a much longer title' },
];

describe('renderTable', () => {
  it('aligns every column to its widest cell, numbers to the right, with no trailing spaces', () => {
    expect(renderTable(columns, rows, { empty: 'none' })).toBe(
      ['ID         N  TITLE', 'TASK-1     5  short', 'TASK-10  120  a much …', ''].join('\n'),
    );
  });

  it('prints the empty text alone when there are no rows', () => {
    expect(renderTable(columns, [], { empty: 'No tasks.' })).toBe('No tasks.\n');
  });

  it('colours after padding: the escape codes never count as width', () => {
    const style = createStyle(true);
    const painted: Column<Row>[] = [{ ...columns[0]!, paint: (cell) => style.red(cell) }, columns[1]!];
    const text = renderTable(painted, rows, { empty: '', header: style.bold });
    expect(text.replace(/\u001b\[\d+m/g, '')).toBe(['ID         N', 'TASK-1     5', 'TASK-10  120', ''].join('\n'));
    expect(text).toContain('\u001b[31mTASK-1 \u001b[39m');
    expect(text).toContain('\u001b[1mID     \u001b[22m');
  });

  it('a plain style adds nothing', () => {
    const style = createStyle(false);
    expect(style.red('x') + style.bold('y')).toBe('xy');
  });

  it('counts characters, not UTF-16 units, so accented and astral text keeps the columns', () => {
    const text = renderTable(
      columns,
      [
        { id: 'é𝒳', n: 1, title: 't' },
        { id: 'abc', n: 2, title: 't' },
      ],
      { empty: '' },
    );
    expect(text.split('\n').slice(1, 3)).toEqual(['é𝒳   1  t', 'abc  2  t']);
  });
});

describe('renderRow (a live stream)', () => {
  it('pads each cell to its minWidth, so rows printed one by one line up with the header', () => {
    const live: Column<Row>[] = [
      { header: 'ID', value: (r) => r.id, minWidth: 8 },
      { header: 'N', value: (r) => String(r.n), align: 'right', minWidth: 4 },
      { header: 'TITLE', value: (r) => r.title },
    ];
    expect(renderRowHeader(live) + rows.map((r) => renderRow(live, r)).join('')).toBe(
      ['ID           N  TITLE', 'TASK-1       5  short', 'TASK-10    120  a much longer title', ''].join('\n'),
    );
  });
});

describe('renderFields', () => {
  it('aligns the labels, leaves null fields out and indents the lines of a long value', () => {
    expect(
      renderFields([
        ['Status', 'PENDING'],
        ['Agent', null],
        ['Description', 'line one\nline two'],
      ]),
    ).toBe(['Status       PENDING', 'Description  line one', '             line two', ''].join('\n'));
  });

  it('is empty when every field is null', () => {
    expect(renderFields([['Agent', null]])).toBe('');
  });
});

describe('clean', () => {
  it('shows control characters instead of letting them move the cursor or recolour the terminal', () => {
    expect(clean('a\u001b[2Jb\rc\u0007d\u009be')).toBe('a\\x1b[2Jb\\x0dc\\x07d\\x9be');
  });

  it('turns a tab into a space and keeps the rest', () => {
    expect(clean('a\tb — ok')).toBe('a b — ok');
  });
});
