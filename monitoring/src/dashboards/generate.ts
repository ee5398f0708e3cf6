/**
 * `npm run dashboards -w @blockops/monitoring`: writes monitoring/grafana/dashboards/<uid>.json from
 * the TypeScript definitions. monitoring/test/dashboards.test.ts fails when the committed JSON
 * differs from what this writes.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DASHBOARDS_DIR } from '../paths';
import { buildDashboards, dashboardJson } from './index';

const built = buildDashboards();
const names = new Set(built.map((d) => `${d.uid}.json`));
for (const f of readdirSync(DASHBOARDS_DIR)) if (f.endsWith('.json') && !names.has(f)) rmSync(path.join(DASHBOARDS_DIR, f));
for (const d of built) writeFileSync(path.join(DASHBOARDS_DIR, `${d.uid}.json`), dashboardJson(d));
console.log(`wrote ${built.length} dashboards to ${DASHBOARDS_DIR}`);
