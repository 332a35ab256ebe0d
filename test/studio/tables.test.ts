import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StudioApp } from '../../src/studio/deps.js';
import { Workspace } from '../../src/workspace/workspace.js';
import { call, expectError, testApp } from './support.js';

let app: StudioApp;

beforeAll(() => {
  app = testApp({ workspace: Workspace.open(join(mkdtempSync(join(tmpdir(), 'tables-')), 'ws'), { create: true }) });
});

describe('POST /api/tables/xlsx', () => {
  it("is the table as one sheet, each column in its unit's number format, missing values as empty cells", async () => {
    const response = await call(app, 'POST', '/api/tables/xlsx', {
      json: {
        caption: 'Cost: gross/net [2025]',
        columns: [
          { id: 'year', label: 'Year', unit: 'year' },
          { id: 'cost', label: 'Employer cost', unit: 'usd' },
          { id: 'rate', label: 'Participation', unit: 'fraction' },
          { id: 'n', label: 'Participants', unit: 'count' },
        ],
        rows: [
          { year: 2025, cost: 1234567.891, rate: 0.8125, n: 1500 },
          { year: 2026, cost: null, rate: 0.5, extra: 'ignored' },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="cost-gross-net-2025.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    // Excel refuses : / [ ] in sheet names.
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Cost  gross net  2025']);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Year', 'Employer cost', 'Participation', 'Participants']);
    expect(sheet.getRow(2).values).toEqual([undefined, 2025, 1234567.891, 0.8125, 1500]);
    expect(sheet.getRow(3).values).toEqual([undefined, 2026, undefined, 0.5]);
    expect(['A2', 'B2', 'C2', 'D2'].map((a) => sheet.getCell(a).numFmt)).toEqual([undefined, '#,##0.00', '0.00%', '#,##0']);
  });

  it('refuses an unknown unit or a table without columns (400, naming the field)', async () => {
    const unit = await expectError(
      await call(app, 'POST', '/api/tables/xlsx', { json: { caption: 'x', columns: [{ id: 'a', label: 'A', unit: 'euros' }], rows: [] } }),
      400,
      'invalid_request',
    );
    expect(unit).toContain('json.columns.0.unit');
    const empty = await expectError(await call(app, 'POST', '/api/tables/xlsx', { json: { caption: 'x', columns: [], rows: [] } }), 400, 'invalid_request');
    expect(empty).toContain('json.columns');
  });
});
