/**
 * The figures of issue 12's table and of the issues after it, gathered from every bench of one
 * `npm run bench` run and printed together at the end, each beside its baseline (measured in
 * the same run) and the aim.
 */

export interface SummaryRow {
  measure: string;
  /** Ours, with its unit: "812 MiB/s", "158 MiB". */
  value: string;
  /** The baseline it is compared with, with its unit; empty when the aim is absolute. */
  baseline: string;
  /** Ours against the baseline ("0.54 ×"), or the gap ("+48 MiB"). */
  ratio: string;
  aim: string;
}

const rows: SummaryRow[] = [];

export function record(row: SummaryRow): void {
  rows.push(row);
}

export function printSummary(): void {
  if (rows.length === 0) return;
  const columns: Array<keyof SummaryRow> = ['measure', 'value', 'baseline', 'ratio', 'aim'];
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(' | ')} |`;
  console.log('\nsummary (each row beside its baseline from this run)');
  console.log(line(columns));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(columns.map((column) => row[column])));
}
