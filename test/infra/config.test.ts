import { afterAll, describe, expect, it } from 'vitest';
import { initialPolicy, loadConfig, RectifyConfigError } from '../../infra/config.js';
import { Mode } from '../../tasks/domain/constants.js';
import { DEFAULT_POLICY } from '../../tasks/domain/policy.js';
import { cdkJsonContext, removeOutdirs, testApp } from './testApp.js';

describe('loadConfig', () => {
  afterAll(removeOutdirs);

  it('accepts the cdk.json context and applies the documented defaults', () => {
    // Act
    const fromCdkJson = loadConfig(cdkJsonContext().rectify);
    const fromNothing = loadConfig(undefined);

    // Assess
    expect(fromCdkJson).toEqual(fromNothing);
    expect(fromNothing).toMatchObject({
      memberAccounts: [],
      memberRoleName: 'RectifyRemediationRole',
      sameAccountShortcut: false,
      initialMode: Mode.DRY_RUN,
      approvalTimeoutHours: 24,
      approvalEmails: [],
      escalationEmails: [],
      logRetentionDays: 365,
      createCustomAction: true,
      approvalBaseUrl: '',
      approvalRateLimit: 5,
      approvalBurstLimit: 10,
    });
    expect(initialPolicy(fromNothing)).toEqual(DEFAULT_POLICY);
  });

  it('reads a JSON string, as `-c rectify=...` passes it', () => {
    // Act
    const config = loadConfig('{"initialMode":"auto","memberAccounts":["222222222222"]}');

    // Assess
    expect(config).toMatchObject({ initialMode: 'auto', memberAccounts: ['222222222222'] });
  });

  const BAD: [string, Record<string, unknown>, RegExp][] = [
    ['approvalTimeoutHours of 0', { approvalTimeoutHours: 0 }, /rectify\.approvalTimeoutHours: /],
    ['approvalTimeoutHours over a week', { approvalTimeoutHours: 169 }, /rectify\.approvalTimeoutHours: /],
    ['an unknown mode', { initialMode: 'yolo' }, /rectify\.initialMode: .*dry-run/],
    ['a short account id', { memberAccounts: ['1234'] }, /rectify\.memberAccounts\[0\]: must be a 12-digit AWS account id/],
    ['a retention CloudWatch does not offer', { logRetentionDays: 2 }, /rectify\.logRetentionDays: must be one of/],
    ['a malformed email', { approvalEmails: ['secops'] }, /rectify\.approvalEmails\[0\]: /],
    ['a misspelt key', { approvalTimeoutHour: 4 }, /rectify\.approvalTimeoutHour: unknown key/],
    ['a mode inside the policy', { policy: { mode: 'auto' } }, /rectify\.policy\.mode: unknown key \(set rectify\.initialMode instead\)/],
    ['a bad control setting', { policy: { controls: { 'EC2.19': 'sometimes' } } }, /rectify\.policy\.controls\["EC2\.19"\]: /],
    ['an approval rate of 0', { approvalRateLimit: 0 }, /rectify\.approvalRateLimit: /],
    ['a fractional approval burst', { approvalBurstLimit: 2.5 }, /rectify\.approvalBurstLimit: /],
    ['an approval burst below the rate', { approvalRateLimit: 20 }, /rectify\.approvalBurstLimit: must be at least rectify\.approvalRateLimit/],
    ['an approval base URL without TLS', { approvalBaseUrl: 'http://approvals.example.com' }, /rectify\.approvalBaseUrl: /],
    ['a password length below IAM.15', { policy: { playbookSettings: { 'iam-enforce-strong-password-policy': { minimumPasswordLength: 8 } } } }, /policy\.playbookSettings\.iam-enforce-strong-password-policy: .*IAM\.15 requires/s],
    ['a key age beyond IAM.3', { policy: { playbookSettings: { 'iam-deactivate-stale-access-keys': { maxAccessKeyAgeDays: 365 } } } }, /IAM\.3 requires/],
    ['settings for no playbook', { policy: { playbookSettings: { 'no-such-playbook': {} } } }, /playbookSettings\.no-such-playbook: no playbook has this id/],
  ];
  for (const [name, rectify, message] of BAD) {
    it(`rejects ${name}, naming the key`, () => {
      // Act + Assess
      expect(() => loadConfig(rectify)).toThrow(message);
      expect(() => loadConfig(rectify)).toThrow(RectifyConfigError);
    });
  }

  it('stops building the app on bad context values, naming each key', () => {
    // Act
    const build = () => testApp({ approvalTimeoutHours: 0, initialMode: 'yolo' });

    // Assess
    expect(build).toThrow(/rectify\.approvalTimeoutHours: /);
    expect(build).toThrow(/rectify\.initialMode: /);
  });
});
