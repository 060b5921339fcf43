import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditEvent, Outcome } from '../../tasks/domain/constants.js';
import { checkExpectations, loadScenario, runScenario, type ScenarioResult } from '../../workflows/local/scenario.js';
import { useMoto } from '../support/moto.js';

const SCENARIOS = path.resolve(import.meta.dirname, '../../scenarios');

/** One run per scenario file, each on a fresh (reset) moto. */
async function run(aws: ReturnType<typeof useMoto>, file: string): Promise<{ result: ScenarioResult; failures: string[] }> {
  await aws.moto.reset();
  const scenario = loadScenario(path.join(SCENARIOS, file));
  const result = await runScenario(scenario, { endpoint: aws.endpoint });
  return { result, failures: checkExpectations(scenario, result) };
}

describe('OCSF findings from Security Hub (Findings Imported V2), read back from moto and the local hub', () => {
  const aws = useMoto();

  it.each([
    ['ocsf-remediated.json', Outcome.REMEDIATED, 'Resolved'],
    ['ocsf-exempt.json', Outcome.EXEMPT, 'In Progress'],
  ])('%s: %s, the finding %s in its own hub, with the note as its comment', async (file, outcome, status) => {
    // Act
    const { result, failures } = await run(aws, file);
    // Assess
    expect(failures).toEqual([]);
    expect(result.outcome).toBe(outcome);
    expect(result.finding).toMatchObject({ format: 'OCSF', workflowStatus: status });
    expect(result.finding.note).toMatch(new RegExp(`^Rectify ${outcome}.*\\[execution ${result.executionName}\\]$`));
    expect(result.audit.find((a) => a.event === AuditEvent.VALIDATED)?.detail).toMatchObject({ format: 'OCSF' });
  });

  it('FAILED_ROLLED_BACK: the finding In Progress; the escalation opens one ticket through the connector, the note and the audit carry its id', async () => {
    // Act
    const { result, failures } = await run(aws, 'ocsf-rolled-back.json');
    // Assess
    expect(failures).toEqual([]);
    expect(result.finding).toMatchObject({ format: 'OCSF', workflowStatus: 'In Progress' });
    const escalated = result.audit.find((a) => a.event === AuditEvent.ESCALATED);
    expect(escalated?.detail).toMatchObject({ ticket: { ticketId: 'LOCAL-1' } });
    expect(result.finding.note).toContain('(ticket LOCAL-1)');
    expect(result.finding.note).toContain(`#/v2/executions/details/`);
  });

  it('a malformed OCSF finding is INVALID, the audit names the field, nothing starts', async () => {
    const { result, failures } = await run(aws, 'ocsf-invalid.json');
    expect(failures).toEqual([]);
    const invalid = result.audit.find((a) => a.event === AuditEvent.INVALID);
    expect(invalid?.error?.cause).toContain('is not a valid OCSF finding: resources:');
  });

  it('both hubs: one change, the ASFF and the OCSF finding resolved with the same note, the later execution changes nothing', async () => {
    // Act
    const { result, failures } = await run(aws, 'both-hubs.json');
    // Assess
    expect(failures).toEqual([]);
    const twin = result.twin!;
    const applied = [...result.audit, ...twin.audit].filter((a) => a.event === AuditEvent.APPLIED);
    expect(applied).toHaveLength(1);
    expect(result.finding.workflowStatus).toBe('RESOLVED');
    expect(twin.finding).toMatchObject({ format: 'OCSF', workflowStatus: 'Resolved', note: result.finding.note });
    expect(twin.outcome).toBe(Outcome.POLICY_SKIPPED);
    // The later execution leaves the finding its twin resolved as it is: one note, Rectify's first.
    expect(twin.finding.notes).toEqual([result.finding.note]);
    expect(result.audit.find((a) => a.event === AuditEvent.OUTCOME)?.detail).toMatchObject({ twin: 'OCSF twin updated' });
  });

  it.each([1, 2, 3])('both hubs at once (run %i): still one change, and both findings end resolved', async () => {
    // Prepare: both events reach intake together; which execution takes the lock first is up to the engine
    await aws.moto.reset();
    const scenario = { ...loadScenario(path.join(SCENARIOS, 'both-hubs.json')), twinArrives: 'with' as const };
    // Act
    const result = await runScenario(scenario, { endpoint: aws.endpoint });
    // Assess
    const twin = result.twin!;
    expect([...result.audit, ...twin.audit].filter((a) => a.event === AuditEvent.APPLIED)).toHaveLength(1);
    expect([result.outcome, twin.outcome]).toContain(Outcome.REMEDIATED);
    expect(result.finding.workflowStatus).toBe('RESOLVED');
    expect(twin.finding.workflowStatus).toBe('Resolved');
    expect(twin.finding.note).toBe(result.finding.note);
    expect(result.state.filter((s) => !s.ok)).toEqual([]);
  });
});
