import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { definePlaybook } from '../../tasks/playbooks/definePlaybook.js';
import { loadPlaybook } from '../../tasks/playbooks/loadPlaybook.js';
import { CATALOG_FILE, catalogEntries, INDEX_FILE, LOADERS_FILE, renderCatalog, renderIndex, renderLoaders } from '../../tasks/playbooks/generateCatalog.js';
import { playbookIndex } from '../../tasks/playbooks/index.generated.js';
import { summaryOf } from '../../tasks/playbooks/playbookSummary.js';
import { renderPlaybookDocs } from '../../tasks/playbooks/renderDocs.js';
import { PLAYBOOK_DOCS } from '../../cli/commands/playbooks.js';
import { allPlaybooks, changeRoleActions, coveredControls, playbookForControls } from '../../tasks/playbooks/registry.js';

const minimal = {
  id: 'test-playbook',
  title: 'Test',
  controls: ['X.1'],
  resourceType: 'AwsS3Bucket',
  impact: 'non-disruptive' as const,
  permissions: ['s3:GetBucketVersioning'],
  snapshot: async () => null,
  plan: () => ({ summary: '', changes: [] }),
  apply: async () => undefined,
  verify: async () => ({ compliant: true, detail: '' }),
  rollback: async () => undefined,
};

describe('playbook registry', () => {
  it('pins the sorted list of covered controls (and fails on a control claimed twice)', () => {
    expect(coveredControls()).toEqual([
      'APIGateway.1',
      'APIGateway.3',
      'APIGateway.5',
      'Account.1',
      'AutoScaling.1',
      'AutoScaling.3',
      'Autoscaling.5',
      'CloudFormation.3',
      'CloudTrail.2',
      'CloudTrail.4',
      'CloudTrail.5',
      'CloudTrail.6',
      'CloudTrail.7',
      'CloudWatch.1',
      'CloudWatch.10',
      'CloudWatch.11',
      'CloudWatch.12',
      'CloudWatch.13',
      'CloudWatch.14',
      'CloudWatch.16',
      'CloudWatch.17',
      'CloudWatch.2',
      'CloudWatch.3',
      'CloudWatch.4',
      'CloudWatch.5',
      'CloudWatch.6',
      'CloudWatch.7',
      'CloudWatch.8',
      'CloudWatch.9',
      'Config.1',
      'DocumentDB.3',
      'DynamoDB.2',
      'DynamoDB.6',
      'EC2.1',
      'EC2.13',
      'EC2.14',
      'EC2.15',
      'EC2.170',
      'EC2.18',
      'EC2.182',
      'EC2.19',
      'EC2.2',
      'EC2.21',
      'EC2.23',
      'EC2.25',
      'EC2.53',
      'EC2.54',
      'EC2.6',
      'EC2.7',
      'EC2.8',
      'ECR.1',
      'ECR.2',
      'ECS.12',
      'EKS.8',
      'ELB.1',
      'ELB.12',
      'ELB.4',
      'ELB.6',
      'EMR.2',
      'GuardDuty.1',
      'GuardDuty.10',
      'GuardDuty.5',
      'GuardDuty.6',
      'GuardDuty.9',
      'IAM.1',
      'IAM.10',
      'IAM.11',
      'IAM.12',
      'IAM.13',
      'IAM.14',
      'IAM.15',
      'IAM.16',
      'IAM.17',
      'IAM.18',
      'IAM.2',
      'IAM.22',
      'IAM.27',
      'IAM.28',
      'IAM.3',
      'IAM.7',
      'IAM.8',
      'KMS.3',
      'KMS.4',
      'KMS.5',
      'Kinesis.1',
      'Lambda.1',
      'Macie.1',
      'Neptune.3',
      'RDS.1',
      'RDS.10',
      'RDS.11',
      'RDS.12',
      'RDS.13',
      'RDS.16',
      'RDS.17',
      'RDS.2',
      'RDS.35',
      'RDS.7',
      'RDS.8',
      'RDS.9',
      'Redshift.1',
      'Redshift.3',
      'Redshift.4',
      'Redshift.6',
      'Redshift.7',
      'S3.1',
      'S3.12',
      'S3.14',
      'S3.2',
      'S3.22',
      'S3.23',
      'S3.3',
      'S3.5',
      'S3.6',
      'S3.8',
      'S3.9',
      'SNS.1',
      'SNS.4',
      'SQS.1',
      'SQS.3',
      'SSM.4',
      'SSM.7',
      'SecretsManager.1',
      'SecretsManager.4',
      'StepFunctions.1',
      'cis-aws-foundations-benchmark/v/1.2.0/1.1',
      'cis-aws-foundations-benchmark/v/1.2.0/1.10',
      'cis-aws-foundations-benchmark/v/1.2.0/1.11',
      'cis-aws-foundations-benchmark/v/1.2.0/1.16',
      'cis-aws-foundations-benchmark/v/1.2.0/1.20',
      'cis-aws-foundations-benchmark/v/1.2.0/1.22',
      'cis-aws-foundations-benchmark/v/1.2.0/1.3',
      'cis-aws-foundations-benchmark/v/1.2.0/1.4',
      'cis-aws-foundations-benchmark/v/1.2.0/1.5',
      'cis-aws-foundations-benchmark/v/1.2.0/1.6',
      'cis-aws-foundations-benchmark/v/1.2.0/1.7',
      'cis-aws-foundations-benchmark/v/1.2.0/1.8',
      'cis-aws-foundations-benchmark/v/1.2.0/1.9',
      'cis-aws-foundations-benchmark/v/1.2.0/2.2',
      'cis-aws-foundations-benchmark/v/1.2.0/2.3',
      'cis-aws-foundations-benchmark/v/1.2.0/2.4',
      'cis-aws-foundations-benchmark/v/1.2.0/2.5',
      'cis-aws-foundations-benchmark/v/1.2.0/2.6',
      'cis-aws-foundations-benchmark/v/1.2.0/2.7',
      'cis-aws-foundations-benchmark/v/1.2.0/2.8',
      'cis-aws-foundations-benchmark/v/1.2.0/2.9',
      'cis-aws-foundations-benchmark/v/1.2.0/3.1',
      'cis-aws-foundations-benchmark/v/1.2.0/3.10',
      'cis-aws-foundations-benchmark/v/1.2.0/3.11',
      'cis-aws-foundations-benchmark/v/1.2.0/3.12',
      'cis-aws-foundations-benchmark/v/1.2.0/3.13',
      'cis-aws-foundations-benchmark/v/1.2.0/3.14',
      'cis-aws-foundations-benchmark/v/1.2.0/3.2',
      'cis-aws-foundations-benchmark/v/1.2.0/3.3',
      'cis-aws-foundations-benchmark/v/1.2.0/3.4',
      'cis-aws-foundations-benchmark/v/1.2.0/3.5',
      'cis-aws-foundations-benchmark/v/1.2.0/3.6',
      'cis-aws-foundations-benchmark/v/1.2.0/3.7',
      'cis-aws-foundations-benchmark/v/1.2.0/3.8',
      'cis-aws-foundations-benchmark/v/1.2.0/3.9',
      'cis-aws-foundations-benchmark/v/1.2.0/4.1',
      'cis-aws-foundations-benchmark/v/1.2.0/4.2',
      'cis-aws-foundations-benchmark/v/1.2.0/4.3',
      'cis-aws-foundations-benchmark/v/1.4.0/1.12',
      'cis-aws-foundations-benchmark/v/1.4.0/1.14',
      'cis-aws-foundations-benchmark/v/1.4.0/1.16',
      'cis-aws-foundations-benchmark/v/1.4.0/1.17',
      'cis-aws-foundations-benchmark/v/1.4.0/1.7',
      'cis-aws-foundations-benchmark/v/1.4.0/1.8',
      'cis-aws-foundations-benchmark/v/1.4.0/1.9',
      'cis-aws-foundations-benchmark/v/1.4.0/2.1.2',
      'cis-aws-foundations-benchmark/v/1.4.0/2.1.5.1',
      'cis-aws-foundations-benchmark/v/1.4.0/2.1.5.2',
      'cis-aws-foundations-benchmark/v/1.4.0/2.2.1',
      'cis-aws-foundations-benchmark/v/1.4.0/3.10',
      'cis-aws-foundations-benchmark/v/1.4.0/3.11',
      'cis-aws-foundations-benchmark/v/1.4.0/3.2',
      'cis-aws-foundations-benchmark/v/1.4.0/3.3',
      'cis-aws-foundations-benchmark/v/1.4.0/3.4',
      'cis-aws-foundations-benchmark/v/1.4.0/3.5',
      'cis-aws-foundations-benchmark/v/1.4.0/3.6',
      'cis-aws-foundations-benchmark/v/1.4.0/3.7',
      'cis-aws-foundations-benchmark/v/1.4.0/3.8',
      'cis-aws-foundations-benchmark/v/1.4.0/3.9',
      'cis-aws-foundations-benchmark/v/1.4.0/4.10',
      'cis-aws-foundations-benchmark/v/1.4.0/4.11',
      'cis-aws-foundations-benchmark/v/1.4.0/4.12',
      'cis-aws-foundations-benchmark/v/1.4.0/4.13',
      'cis-aws-foundations-benchmark/v/1.4.0/4.14',
      'cis-aws-foundations-benchmark/v/1.4.0/4.3',
      'cis-aws-foundations-benchmark/v/1.4.0/4.4',
      'cis-aws-foundations-benchmark/v/1.4.0/4.5',
      'cis-aws-foundations-benchmark/v/1.4.0/4.6',
      'cis-aws-foundations-benchmark/v/1.4.0/4.7',
      'cis-aws-foundations-benchmark/v/1.4.0/4.8',
      'cis-aws-foundations-benchmark/v/1.4.0/4.9',
      'cis-aws-foundations-benchmark/v/1.4.0/5.1',
      'cis-aws-foundations-benchmark/v/1.4.0/5.3',
      'cis-aws-foundations-benchmark/v/3.0.0/1.12',
      'cis-aws-foundations-benchmark/v/3.0.0/1.14',
      'cis-aws-foundations-benchmark/v/3.0.0/1.15',
      'cis-aws-foundations-benchmark/v/3.0.0/1.17',
      'cis-aws-foundations-benchmark/v/3.0.0/1.20',
      'cis-aws-foundations-benchmark/v/3.0.0/1.22',
      'cis-aws-foundations-benchmark/v/3.0.0/1.8',
      'cis-aws-foundations-benchmark/v/3.0.0/1.9',
      'cis-aws-foundations-benchmark/v/3.0.0/2.1.1',
      'cis-aws-foundations-benchmark/v/3.0.0/2.1.4.1',
      'cis-aws-foundations-benchmark/v/3.0.0/2.1.4.2',
      'cis-aws-foundations-benchmark/v/3.0.0/2.2.1',
      'cis-aws-foundations-benchmark/v/3.0.0/2.3.2',
      'cis-aws-foundations-benchmark/v/3.0.0/2.3.3',
      'cis-aws-foundations-benchmark/v/3.0.0/3.2',
      'cis-aws-foundations-benchmark/v/3.0.0/3.3',
      'cis-aws-foundations-benchmark/v/3.0.0/3.4',
      'cis-aws-foundations-benchmark/v/3.0.0/3.5',
      'cis-aws-foundations-benchmark/v/3.0.0/3.6',
      'cis-aws-foundations-benchmark/v/3.0.0/3.7',
      'cis-aws-foundations-benchmark/v/3.0.0/3.8',
      'cis-aws-foundations-benchmark/v/3.0.0/3.9',
      'cis-aws-foundations-benchmark/v/3.0.0/5.1',
      'cis-aws-foundations-benchmark/v/3.0.0/5.2',
      'cis-aws-foundations-benchmark/v/3.0.0/5.3',
      'cis-aws-foundations-benchmark/v/3.0.0/5.4',
      'cis-aws-foundations-benchmark/v/3.0.0/5.6',
      'cis-aws-foundations-benchmark/v/5.0.0/1.11',
      'cis-aws-foundations-benchmark/v/5.0.0/1.13',
      'cis-aws-foundations-benchmark/v/5.0.0/1.14',
      'cis-aws-foundations-benchmark/v/5.0.0/1.16',
      'cis-aws-foundations-benchmark/v/5.0.0/1.19',
      'cis-aws-foundations-benchmark/v/5.0.0/1.2',
      'cis-aws-foundations-benchmark/v/5.0.0/1.21',
      'cis-aws-foundations-benchmark/v/5.0.0/1.7',
      'cis-aws-foundations-benchmark/v/5.0.0/1.8',
      'cis-aws-foundations-benchmark/v/5.0.0/2.1.1',
      'cis-aws-foundations-benchmark/v/5.0.0/2.1.4.1',
      'cis-aws-foundations-benchmark/v/5.0.0/2.1.4.2',
      'cis-aws-foundations-benchmark/v/5.0.0/2.2.2',
      'cis-aws-foundations-benchmark/v/5.0.0/2.2.3',
      'cis-aws-foundations-benchmark/v/5.0.0/3.2',
      'cis-aws-foundations-benchmark/v/5.0.0/3.3',
      'cis-aws-foundations-benchmark/v/5.0.0/3.6',
      'cis-aws-foundations-benchmark/v/5.0.0/3.7',
      'cis-aws-foundations-benchmark/v/5.0.0/5.1.1',
      'cis-aws-foundations-benchmark/v/5.0.0/5.2',
      'cis-aws-foundations-benchmark/v/5.0.0/5.3',
      'cis-aws-foundations-benchmark/v/5.0.0/5.4',
      'cis-aws-foundations-benchmark/v/5.0.0/5.5',
      'cis-aws-foundations-benchmark/v/5.0.0/5.7',
      'pci-dss/v/3.2.1/PCI.AutoScaling.1',
      'pci-dss/v/3.2.1/PCI.CW.1',
      'pci-dss/v/3.2.1/PCI.CloudTrail.1',
      'pci-dss/v/3.2.1/PCI.CloudTrail.3',
      'pci-dss/v/3.2.1/PCI.CloudTrail.4',
      'pci-dss/v/3.2.1/PCI.Config.1',
      'pci-dss/v/3.2.1/PCI.EC2.1',
      'pci-dss/v/3.2.1/PCI.EC2.2',
      'pci-dss/v/3.2.1/PCI.EC2.5',
      'pci-dss/v/3.2.1/PCI.EC2.6',
      'pci-dss/v/3.2.1/PCI.ELBv2.1',
      'pci-dss/v/3.2.1/PCI.GuardDuty.1',
      'pci-dss/v/3.2.1/PCI.IAM.2',
      'pci-dss/v/3.2.1/PCI.IAM.3',
      'pci-dss/v/3.2.1/PCI.IAM.7',
      'pci-dss/v/3.2.1/PCI.IAM.8',
      'pci-dss/v/3.2.1/PCI.KMS.1',
      'pci-dss/v/3.2.1/PCI.Lambda.1',
      'pci-dss/v/3.2.1/PCI.RDS.1',
      'pci-dss/v/3.2.1/PCI.RDS.2',
      'pci-dss/v/3.2.1/PCI.Redshift.1',
      'pci-dss/v/3.2.1/PCI.S3.1',
      'pci-dss/v/3.2.1/PCI.S3.2',
      'pci-dss/v/3.2.1/PCI.S3.5',
      'pci-dss/v/3.2.1/PCI.S3.6',
    ]);
    const twice = [...allPlaybooks(), definePlaybook({ ...minimal, controls: ['KMS.4'] })];
    expect(() => coveredControls(twice)).toThrow(/KMS.4 is claimed by playbooks/);
  });

  it('refuses a playbook that declares no permissions or a wildcard', () => {
    expect(() => definePlaybook({ ...minimal, permissions: [] })).toThrow(/must declare the IAM actions/);
    expect(() => definePlaybook({ ...minimal, permissions: ['s3:*'] })).toThrow(/never wildcards/);
    expect(() => definePlaybook({ ...minimal, permissions: ['*'] })).toThrow(/never wildcards/);
  });

  it('refuses a playbook that creates billable resources unless it is declared disruptive (approval by default)', () => {
    const trail = { type: 'AWS::CloudTrail::Trail', monthlyCost: '$1–10', costBasis: 'S3 storage of the logs' } as const;
    expect(() => definePlaybook({ ...minimal, impact: 'non-disruptive', creates: [trail] })).toThrow(/creates billable resources, so it must be declared disruptive/);
    expect(definePlaybook({ ...minimal, impact: 'disruptive', creates: [trail] }).creates).toEqual([trail]);
    for (const playbook of allPlaybooks().filter((p) => (p.creates?.length ?? 0) > 0)) expect(playbook.impact).toBe('disruptive');
  });

  it('derives the member change role actions from the declarations, nothing more', () => {
    const declared = new Set(allPlaybooks().flatMap((p) => p.permissions));
    expect(changeRoleActions()).toEqual([...declared].sort());
    for (const playbook of allPlaybooks()) expect(playbook.permissions.length).toBeGreaterThan(0);
  });

  it('finds a playbook by any of a finding control ids, most specific first', () => {
    expect(playbookForControls(['cis/1.0/9.9', 'S3.2'])).toMatchObject({ controlId: 'S3.2', playbook: { id: 's3-enable-bucket-block-public-access' } });
    expect(playbookForControls(['EC2.999'])).toBeUndefined();
  });

  it('has a generated catalog that matches the playbook files (run `npm run generate` when this fails)', () => {
    expect(readFileSync(CATALOG_FILE, 'utf8')).toBe(renderCatalog());
  });

  it('has a generated index that equals the metadata of the catalog (run `npm run generate` when this fails)', () => {
    expect(readFileSync(INDEX_FILE, 'utf8')).toBe(renderIndex(allPlaybooks()));
    expect(playbookIndex).toEqual(allPlaybooks().map(summaryOf));
  });

  it('has generated loaders that import each playbook by its id (run `npm run generate` when this fails)', async () => {
    expect(readFileSync(LOADERS_FILE, 'utf8')).toBe(renderLoaders(allPlaybooks(), catalogEntries()));
    for (const playbook of allPlaybooks()) expect(await loadPlaybook(playbook.id)).toBe(playbook);
    expect(await loadPlaybook('no-such-playbook')).toBeUndefined();
    expect(await loadPlaybook('constructor')).toBeUndefined();
  });

  it('keeps the index plain data: it imports types only, never a playbook module', () => {
    const imports = readFileSync(INDEX_FILE, 'utf8').split('\n').filter((line) => line.startsWith('import '));
    expect(imports).toEqual(["import type { PlaybookSummary } from './playbookSummary.js';"]);
  });

  it('has docs/playbooks.md generated from the registry (run `npm run generate` when this fails)', () => {
    expect(readFileSync(PLAYBOOK_DOCS, 'utf8')).toBe(renderPlaybookDocs(allPlaybooks()));
  });
});
