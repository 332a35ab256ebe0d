import { createRoute, z } from '@hono/zod-openapi';
import ExcelJS from 'exceljs';
import { UNIT_NOTES, type ColumnUnit } from '../../reporting/columns.js';
import { addSheet, UNIT_FORMATS, workbookBytes } from '../../reporting/render/xlsx.js';
import { errorResponses } from '../errors.js';
import { jsonBody, type StudioApp } from '../deps.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const UNITS = Object.keys(UNIT_NOTES) as [ColumnUnit, ...ColumnUnit[]];

const TableSchema = z
  .object({
    caption: z.string().min(1).max(200),
    columns: z.array(z.object({ id: z.string(), label: z.string(), unit: z.enum(UNITS) })).min(1).max(200),
    rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  })
  .openapi('Table');

/** A sheet name Excel accepts: none of : \ / ? * [ ], at most 31 characters. */
function sheetName(caption: string): string {
  return caption.replace(/[:\\/?*[\]]/g, ' ').trim().slice(0, 31) || 'Table';
}

/** The caption as a file name: letters, digits and dashes. */
function fileName(caption: string): string {
  return `${caption.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'table'}.xlsx`;
}

/**
 * A table of the web app (any figure's DataTable) as an XLSX workbook, formatted as the run report's
 * sheets are (counts #,##0, dollars #,##0.00, fractions as percentages): the browser has no exceljs.
 */
export function tableRoutes(app: StudioApp): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/tables/xlsx',
      tags: ['tables'],
      summary: 'A table {caption, columns: [{id, label, unit}], rows} as an XLSX workbook of one sheet',
      request: { body: jsonBody(TableSchema) },
      responses: {
        200: { description: 'The workbook', content: { [XLSX_TYPE]: { schema: z.string().openapi({ format: 'binary' }) } } },
        ...errorResponses(413),
      },
    }),
    async (c) => {
      const { caption, columns, rows } = c.req.valid('json');
      const workbook = new ExcelJS.Workbook();
      workbook.creator = 'PlanAlign Studio';
      addSheet(
        workbook,
        sheetName(caption),
        columns.map((col) => ({ header: col.label, numFmt: UNIT_FORMATS[col.unit] })),
        rows.map((r) => columns.map((col) => r[col.id] ?? null)),
      );
      const bytes = await workbookBytes(workbook, new Date());
      return c.body(new Uint8Array(bytes), 200, {
        'Content-Type': XLSX_TYPE,
        'Content-Disposition': `attachment; filename="${fileName(caption)}"`,
      });
    },
  );
}
