import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorName, Outcome } from '../../tasks/domain/constants.js';
import { InvalidFindingError } from '../../tasks/domain/errors.js';
import { RemediationRequestSchema, toRemediationRequest, type RemediationRequest } from '../../tasks/domain/finding.js';
import { PolicySchema } from '../../tasks/domain/policy.js';
import { executionNameFor } from '../../tasks/handlers/intake.js';
import { decidePolicy } from '../../tasks/handlers/loadPolicy.js';
import { ACCOUNTS, hostileFinding, hostility, STRANGER, type Hostility } from './arbitraries.js';

/**
 * The pure properties of hostile findings (ValidateFinding, the policy decision, execution names),
 * at a share of their full size: `npm test` runs a tenth of each (hostileFindings.test.ts), the
 * slow tier all of it (hostileFindings.slow.test.ts). Each asserts it checked exactly that many cases.
 */
export function describeHostileFindingProperties(share: number): void {
  const runs = (full: number) => Math.max(1, Math.round(full * share));
  /** How many generated cases each property checked (printed at the end, and asserted). */
  const cases: Record<string, number> = {};
  afterAll(() => console.info(`[hardening] hostile finding cases per pure property: ${JSON.stringify(cases)}`));

  /** Placeholder victims for the pure properties (no AWS behind them). */
  const PAPER_VICTIMS = { AwsS3Bucket: 'arn:aws:s3:::paper-bucket', AwsKmsKey: 'arn:aws:kms:us-east-1:123456789012:key/paper' };

  /** ValidateFinding's contract: a typed request true to the finding, or `InvalidFinding`, nothing else. */
  function validate(input: unknown): RemediationRequest | InvalidFindingError {
    try {
      return RemediationRequestSchema.parse(toRemediationRequest(input));
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidFindingError);
      expect((error as Error).name).toBe(ErrorName.InvalidFinding);
      return error as InvalidFindingError;
    }
  }

  describe('hostile findings: ValidateFinding and the policy decision', () => {
    it('any JSON value as the execution input or the finding: a request or InvalidFinding, never another error', () => {
      // Prepare
      let count = 0;
      const input = fc.oneof(fc.anything(), fc.record({ finding: fc.anything(), source: fc.oneof(fc.constantFrom('automatic', 'manual'), fc.anything()) }));
      // Act & Assess
      fc.assert(
        fc.property(input, (value) => {
          count++;
          validate(value);
        }),
        { numRuns: runs(3000) },
      );
      cases.anyJsonInput = count;
      expect(count).toBe(runs(3000));
    });

    it('missing, mistyped, huge, unicode and injection-like fields: InvalidFinding, or a request naming exactly the same finding, resource and account', () => {
      let count = 0;
      fc.assert(
        fc.property(hostility, fc.constantFrom(...ACCOUNTS, STRANGER), fc.constantFrom('automatic', 'manual'), (h, account, source) => {
          count++;
          // Prepare
          const finding = hostileFinding(h, PAPER_VICTIMS, account);
          // Act
          const result = validate({ finding, source });
          // Assess
          if (h.kind === 'missing' || h.kind === 'mistyped') {
            expect(result).toBeInstanceOf(InvalidFindingError);
            return;
          }
          if (result instanceof InvalidFindingError) return;
          const resource = (finding.Resources as { Id: string; Type: string }[])[0]!;
          expect(result.findingId).toBe(finding.Id);
          expect(result.account).toBe(finding.AwsAccountId);
          // The canonical identity; a bare id is resolved in the finding's account and region, and what the finding said is kept.
          expect(result.resource.type).toBe(resource.Type);
          expect(result.resource.findingId ?? result.resource.id).toBe(resource.Id);
          if (resource.Id.startsWith('arn:') && resource.Type !== 'Other') expect(result.resource.id).toBe(resource.Id);
          if (result.resource.id.startsWith('arn:')) expect(result.resource.id.split(':')[4]).toMatch(new RegExp(`^(${finding.AwsAccountId})?$`));
          expect(result.controlIds.length).toBeGreaterThan(0);
          expect(result.source).toBe(source);
        }),
        { numRuns: runs(3000) },
      );
      cases.mutatedFindings = count;
      expect(count).toBe(runs(3000));
    });

    it('unknown controls, resource types the playbook does not handle and findings that are not FAILED/ACTIVE never proceed', () => {
      let count = 0;
      const policy = PolicySchema.parse({ mode: 'auto' });
      const decisive = hostility.filter((h): h is Extract<Hostility, { kind: 'unknownControl' | 'wrongType' | 'notFailed' }> =>
        ['unknownControl', 'wrongType', 'notFailed'].includes(h.kind),
      );
      fc.assert(
        fc.property(decisive, fc.constantFrom(...ACCOUNTS), (h, account) => {
          count++;
          // Prepare
          const request = validate({ finding: hostileFinding(h, PAPER_VICTIMS, account) });
          if (request instanceof InvalidFindingError) return;
          // Act
          const decision = decidePolicy(request, policy);
          // Assess
          expect(decision.proceed).toBe(false);
          expect(decision.outcome).toBe(h.kind === 'notFailed' ? Outcome.POLICY_SKIPPED : Outcome.NO_PLAYBOOK);
          expect(decision.reason.length).toBeGreaterThan(0);
        }),
        { numRuns: runs(2000) },
      );
      cases.policyDecision = count;
      expect(count).toBe(runs(2000));
    });

    it('the execution name of anything is a valid, deterministic Step Functions name', () => {
      let count = 0;
      const anyFinding = fc.oneof(fc.anything(), hostility.map((h) => hostileFinding(h, PAPER_VICTIMS, ACCOUNTS[0])));
      fc.assert(
        fc.property(anyFinding, fc.constantFrom('automatic', 'manual'), (finding, source) => {
          count++;
          const name = executionNameFor(finding, source);
          // 1–80 characters, none of the characters Step Functions refuses in a name.
          expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
          expect(executionNameFor(structuredClone(finding), source)).toBe(name);
        }),
        { numRuns: runs(3000) },
      );
      cases.executionName = count;
      expect(count).toBe(runs(3000));
    });
  });
}
