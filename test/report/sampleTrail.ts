import path from 'node:path';
import { putExemption } from '../../tasks/store/exemptions.js';
import { LOCAL_NAMES } from '../../workflows/local/provision.js';
import { loadScenario, runScenario } from '../../workflows/local/scenario.js';

const SCENARIOS = path.resolve(import.meta.dirname, '../../scenarios');

/**
 * Six findings recorded into one table — two remediated (one approved), a rollback of a KMS key,
 * a dry run, an exemption, a rejection — and a register exemption expiring in five days: the
 * audit trail the report tests read (test/report/report.test.ts, report.slow.test.ts).
 */
export async function recordSampleTrail(endpoint: string): Promise<void> {
  const files = ['remediated-auto.json', 'approved.json', 'failed-verify-rolled-back.json', 'dry-run.json', 'exempt-tag.json', 'rejected.json'];
  for (const file of files) await runScenario(loadScenario(path.join(SCENARIOS, file)), { endpoint });
  const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
  await putExemption(LOCAL_NAMES.table, { account: '222222222222', reason: 'migration', requestedBy: 'platform', expiresOn: soon });
}
