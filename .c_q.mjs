import { DuckDBInstance } from '@duckdb/node-api';
const [db, ...sqls] = process.argv.slice(2);
const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
const c = await inst.connect();
for (const s of sqls) { const r = await c.runAndReadAll(s); console.table(r.getRowObjectsJson()); }
