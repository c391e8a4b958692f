import { style, visibleLength } from './style.ts';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string | number;
  align?: 'left' | 'right';
}

/** A plain-text table with a header rule: readable in a terminal and in a CI log alike. */
export function renderTable<Row>(columns: Column<Row>[], rows: Row[]): string {
  const cells = rows.map((row) => columns.map((column) => String(column.value(row))));
  const widths = columns.map((column, i) =>
    Math.max(visibleLength(column.header), ...cells.map((line) => visibleLength(line[i] ?? ''))),
  );
  const pad = (text: string, i: number): string => {
    const gap = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(text)));
    return columns[i]?.align === 'right' ? gap + text : text + gap;
  };
  const header = columns.map((column, i) => style.bold(pad(column.header, i))).join('  ');
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  const body = cells.map((line) => line.map(pad).join('  ').trimEnd());
  return [header.trimEnd(), style.dim(rule), ...body].join('\n');
}
