import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync, mkdtempSync } from 'node:fs';
import { buildRectifyApp } from './rectifyApp.ts';
const cdk = JSON.parse(readFileSync('/work/main/cdk.json', 'utf8'));
const t0 = Date.now();
const app = new App({ context: { ...cdk.context, rectify: { ...cdk.context.rectify, region: 'eu-central-1' }, 'aws:cdk:bundling-stacks': [] }, outdir: mkdtempSync('/tmp/rx-') });
const { admin, member } = buildRectifyApp(app, { nag: false });
for (const s of [admin, member]) {
  const r = new AwsSolutionsChecks(app).validateScope(s);
  console.log(s.stackName, r.success);
  for (const v of r.violations) console.log(' ', v.ruleName, v.violatingResources.map(x => x.constructPath).join(', '), v.description.slice(0, 80));
}
app.synth();
console.log('ms', Date.now() - t0);
