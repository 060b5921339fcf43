import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlIdsOf, type AsffFinding } from '../../tasks/domain/finding.js';
import { tagReadPermissionsFor } from '../../tasks/domain/resourceTags.js';
import { allPlaybooks, playbookForControls } from '../../tasks/playbooks/registry.js';
import { readRecordedFile, startCallRecorder } from '../../workflows/local/callRecorder.js';
import { checkExpectations, loadScenario, runScenario, type Scenario } from '../../workflows/local/scenario.js';
import { removeOutdirs, templatesFor } from '../infra/testApp.js';
import { describeDenial, evaluateCalls, type CallInRun, type Evaluation } from '../permissions/evaluateCalls.js';
import { DENIALS_UNDER_REVIEW, UNEXERCISED_PERMISSIONS } from '../permissions/exceptions.js';
import { LOCAL_APP_CONFIGURATION, LOCAL_POLICY_WORLD } from '../permissions/localWorld.js';
import { SynthesizedPolicies } from '../permissions/SynthesizedPolicies.js';
import { againstExceptions, unexercisedPermissions } from '../permissions/unexercised.js';
import { useMoto } from '../support/moto.js';

/**
 * Every `*.scenario.json` beside a playbook's test, run once end to end through the workflow
 * against moto with the call recorder on; the calls those runs made then prove the permissions
 * the stacks synthesize (docs/decisions/013). One run serves both: the scenarios are the slowest
 * part of either check.
 */
function scenarioFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return scenarioFiles(full);
    return entry.name.endsWith('.scenario.json') ? [full] : [];
  });
}

const files = scenarioFiles(import.meta.dirname).sort();
const runName = (file: string) => path.relative(import.meta.dirname, file).replace(/\.scenario\.json$/, '');

/** The playbook the workflow picks for a scenario's finding (its control ids, as ValidateFinding reads them). */
const playbookOf = (scenario: Scenario): string => {
  const controls = controlIdsOf(scenario.finding as AsffFinding);
  const found = playbookForControls(controls);
  if (!found) throw new Error(`scenario ${scenario.name}: no playbook covers its controls ${controls.join(', ')}`);
  return found.playbook.id;
};

const isDenied = (e: Evaluation) => e.result !== 'Allowed';
const underReview = (e: Evaluation) => DENIALS_UNDER_REVIEW.some((d) => e.role.startsWith(d.role) && e.action === d.action);

const aws = useMoto();
const recordDir = mkdtempSync(path.join(tmpdir(), 'rectify-calls-'));
let recorder: ReturnType<typeof startCallRecorder>;
let seen = 0;
/** The calls each playbook's runs made, in run order. */
const callsByPlaybook = new Map<string, CallInRun[]>();
/** The scenario files that ran to their end (the permission proof needs every one). */
const completed = new Set<string>();
const seconds: Record<string, number> = { scenarios: 0 };

/** Run one scenario on an empty moto and file the calls it made under its playbook and run. */
async function run(name: string, scenario: Scenario) {
  const started = Date.now();
  await aws.moto.reset();
  const result = await runScenario(scenario, { endpoint: aws.endpoint });
  const recorded = readRecordedFile(recorder.file);
  const playbook = playbookOf(scenario);
  callsByPlaybook.set(playbook, [...(callsByPlaybook.get(playbook) ?? []), ...recorded.slice(seen).map((call) => ({ ...call, run: name }))]);
  seen = recorded.length;
  seconds.scenarios! += (Date.now() - started) / 1000;
  return result;
}

beforeAll(() => {
  recorder = startCallRecorder(recordDir);
});

afterAll(() => {
  recorder.stop();
  removeOutdirs();
  rmSync(recordDir, { recursive: true, force: true });
});

describe('playbook scenarios through the workflow, against moto', () => {
  it('finds scenario files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(path.relative(import.meta.dirname, file), async () => {
      // Prepare
      const scenario = loadScenario(file);
      // Act
      const result = await run(runName(file), scenario);
      completed.add(file);
      // Assess
      expect(scenario.expect, 'a playbook scenario must say what it expects').toBeDefined();
      expect(checkExpectations(scenario, result)).toEqual([]);
    });
  }
});

describe('every AWS call of those runs is allowed by the policies the stacks synthesize (docs/decisions/013)', () => {
  let policies: SynthesizedPolicies;
  let evaluations: Evaluation[];
  let calls: CallInRun[];

  beforeAll(async () => {
    const missing = files.filter((file) => !completed.has(file)).map(runName);
    if (missing.length > 0) throw new Error(`the permission proof needs every playbook scenario to have run in this file; not run: ${missing.join(', ')} (run the whole file, without -t)`);
    // A playbook none of whose scenarios rolls back: its remediated scenario with an apply that changes
    // nothing (as verifyCatchesNoop.slow.test.ts runs it), so its rollback's calls are evaluated too.
    for (const file of files.filter((f) => f.endsWith('.remediated.scenario.json'))) {
      const scenario = loadScenario(file);
      if ((callsByPlaybook.get(playbookOf(scenario)) ?? []).some((c) => c.caller === 'rollback')) continue;
      await run(`${runName(file)} (apply skipped)`, { ...scenario, faults: { ...scenario.faults, apply: 'skip' } });
    }

    // Prepare: the stacks as the local runtime mirrors them (same-account shortcut on), synthesized once.
    let started = Date.now();
    const { admin, member } = templatesFor(LOCAL_APP_CONFIGURATION);
    policies = new SynthesizedPolicies({ admin: admin.toJSON(), member: member.toJSON() }, LOCAL_POLICY_WORLD);
    seconds.synth = (Date.now() - started) / 1000;

    // Act
    started = Date.now();
    calls = [...callsByPlaybook.values()].flat();
    evaluations = await evaluateCalls(calls, policies);
    seconds.evaluation = (Date.now() - started) / 1000;
  }, 600_000);

  afterAll(() => {
    // The numbers docs/decisions/013 quotes.
    const byRole: Record<string, number> = {};
    for (const e of evaluations ?? []) byRole[e.role] = (byRole[e.role] ?? 0) + 1;
    console.info(
      `permission proof: ${calls?.length ?? 0} calls, ${evaluations?.length ?? 0} distinct (role, action, resource) evaluated, ` +
        `${evaluations?.filter(isDenied).length ?? 0} denied; seconds ${JSON.stringify(seconds)}; by role ${JSON.stringify(byRole)}`,
    );
  });
  it('records calls of every playbook, under the member roles and the administrator-side roles alike', () => {
    // Assess
    // A playbook moto cannot emulate has no scenario: its direct test proves its actions (test/support/mockedPlaybook.ts).
    const emulated = allPlaybooks().filter((p) => !p.notEmulated);
    expect(emulated.filter((p) => !(callsByPlaybook.get(p.id) ?? []).some((c) => c.caller !== 'harness')).map((p) => p.id)).toEqual([]);
    const roles = new Set(evaluations.map((e) => e.role.replace(/'s role .*/, "'s role")));
    expect([...roles].sort()).toEqual(
      expect.arrayContaining([
        'member read role RectifyReadRole',
        'member change role RectifyRemediationRole',
        "remediate's role",
        "rollback's role",
        "approval's role",
        "intake's role",
        "executionStatus's role",
      ]),
    );
  });

  it('denies none of them, but for the denials under review', () => {
    // Assess: each denial names the call, the role and the missing action.
    expect(evaluations.filter((e) => isDenied(e) && !underReview(e)).map(describeDenial)).toEqual([]);
  });

  it('still finds each denial under review (an entry that no longer applies must go)', () => {
    // Assess
    const stale = DENIALS_UNDER_REVIEW.filter((d) => !evaluations.some((e) => isDenied(e) && e.role.startsWith(d.role) && e.action === d.action));
    expect(stale).toEqual([]);
  });

  it('exercises every permission the playbooks declare, but for the reviewed exceptions', async () => {
    // Act
    const unexercised = await unexercisedPermissions(allPlaybooks().filter((p) => !p.notEmulated), callsByPlaybook, tagReadPermissionsFor(allPlaybooks()), policies.ownResourcePatterns());
    const { dead, stale } = againstExceptions(unexercised, UNEXERCISED_PERMISSIONS);
    // Assess
    expect(dead, 'declared but never called: remove the permission, or reach its code path in a scenario, or add a reviewed exception').toEqual([]);
    expect(stale, 'exceptions for permissions a scenario now exercises (or no playbook declares): remove them').toEqual([]);
  });

  it('fails naming the call, the role and the missing action when a member role loses one permission', async () => {
    // Prepare: the change role without a permission Remediate uses.
    const weaker = policies.withoutAction('RectifyRemediationRole', 'ec2:RevokeSecurityGroupIngress');
    // Act
    const denials = (await evaluateCalls(calls, weaker)).filter(isDenied).filter((e) => !underReview(e));
    // Assess
    expect(denials.length).toBeGreaterThan(0);
    expect(denials.every((e) => e.action === 'ec2:RevokeSecurityGroupIngress' && e.role === 'member change role RectifyRemediationRole')).toBe(true);
    expect(describeDenial(denials[0]!)).toMatch(
      /^remediate: EC2\.RevokeSecurityGroupIngress \(ec2\/.+\): member change role RectifyRemediationRole lacks ec2:RevokeSecurityGroupIngress on arn:aws:ec2:us-east-1:222222222222:security-group\/sg-\w+ \(ImplicitlyDenied\)$/,
    );
  });

  it('fails naming the handler, its role and the missing action when an administrator-side role loses one permission', async () => {
    // Prepare: the exemption check's role without reading the exemption register.
    const weaker = policies.withoutAction('rectify-remediation-task', 'dynamodb:BatchGetItem');
    // Act
    const denials = (await evaluateCalls(calls, weaker)).filter(isDenied).filter((e) => !underReview(e));
    // Assess
    expect(denials.map(describeDenial)).toEqual([
      expect.stringMatching(
        /^checkExemption: DynamoDB\.BatchGetItem \(.+\): checkExemption's role rectify-remediation-task lacks dynamodb:BatchGetItem on arn:aws:dynamodb:us-east-1:123456789012:table\/rectify-local \(ImplicitlyDenied\)$/,
      ),
    ]);
  });
});
