import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, type Unit } from '../api';
import { formatValue, isNumeric } from '../format';
import { Button } from './ui';

export interface DataColumn {
  id: string;
  label: string;
  unit: Unit;
}

export interface DataTableProps {
  caption: string;
  columns: readonly DataColumn[];
  /** Objects keyed by the columns' ids (any extra keys are ignored). */
  rows: readonly object[];
  /** The downloads' file name, without extension (default: the caption's). */
  filename?: string;
  /** Links and buttons of a row, in a last cell that is not data (not in CSV, XLSX or Copy; no <th>). */
  actions?: (row: object) => ComponentChildren;
}

/** The file name of a caption: "Headcount by year" -> "headcount-by-year". */
export function fileStem(caption: string): string {
  return caption.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'table';
}

/** A row's value of a column. */
function cell(row: object, column: DataColumn): unknown {
  return (row as Record<string, unknown>)[column.id];
}

/** Raw values (not formatted: fractions stay fractions, no separators), as a spreadsheet reads them. */
function rawCell(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function csvCell(value: unknown): string {
  const text = rawCell(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV: a header of the labels, then the raw values, CRLF lines (RFC 4180). */
export function toCsv(columns: readonly DataColumn[], rows: DataTableProps['rows']): string {
  const lines = [columns.map((c) => csvCell(c.label)), ...rows.map((r) => columns.map((c) => csvCell(cell(r, c))))];
  return `${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

/** TSV for the clipboard: pastes into Excel as cells. */
function toTsv(columns: readonly DataColumn[], rows: DataTableProps['rows']): string {
  const clean = (v: unknown): string => rawCell(v).replace(/[\t\r\n]+/g, ' ');
  return [columns.map((c) => clean(c.label)), ...rows.map((r) => columns.map((c) => clean(cell(r, c))))].map((l) => l.join('\t')).join('\n');
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A real <table> (caption, header cells with scope) of typed columns: numbers right-aligned and
 * formatted by unit; CSV (in the browser), XLSX (the server's exceljs) and Copy (TSV) of the same rows.
 */
export function DataTable({ caption, columns, rows, filename, actions }: DataTableProps) {
  const stem = filename ?? fileStem(caption);
  const [status, setStatus] = useState('');
  const xlsx = async (): Promise<void> => {
    setStatus('Preparing XLSX…');
    try {
      download(await api.postForBlob('/tables/xlsx', { caption, columns, rows }), `${stem}.xlsx`);
      setStatus('');
    } catch (error) {
      setStatus(`XLSX failed: ${(error as Error).message}`);
    }
  };
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(toTsv(columns, rows));
      setStatus(`Copied ${rows.length} ${rows.length === 1 ? 'row' : 'rows'}`);
    } catch (error) {
      setStatus(`Copy failed: ${(error as Error).message}`);
    }
  };
  return (
    <div class="data-table">
      <div class="table-toolbar">
        <span class="table-status" role="status">
          {status}
        </span>
        <Button aria-label={`Download ${caption} as CSV`} onClick={() => download(new Blob([toCsv(columns, rows)], { type: 'text/csv' }), `${stem}.csv`)}>
          CSV
        </Button>
        <Button aria-label={`Download ${caption} as XLSX`} onClick={() => void xlsx()}>
          XLSX
        </Button>
        <Button aria-label={`Copy ${caption} for a spreadsheet`} onClick={() => void copy()}>
          Copy
        </Button>
      </div>
      <div class="table-scroll" tabIndex={0} aria-label={caption} role="region">
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th scope="col" key={c.id} class={isNumeric(c.unit) ? 'num' : undefined}>
                  {c.label}
                </th>
              ))}
              {actions && <td class="row-actions" aria-label="Actions" />}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length + (actions ? 1 : 0)} class="table-empty">
                  No rows
                </td>
              </tr>
            ) : (
              rows.map((r, i) => (
                <tr key={i}>
                  {columns.map((c, j) => {
                    const text = formatValue(cell(r, c), c.unit);
                    const cls = isNumeric(c.unit) ? 'num' : undefined;
                    return j === 0 ? (
                      <th scope="row" key={c.id} class={cls}>
                        {text}
                      </th>
                    ) : (
                      <td key={c.id} class={cls}>
                        {text}
                      </td>
                    );
                  })}
                  {actions && <td class="row-actions">{actions(r)}</td>}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
