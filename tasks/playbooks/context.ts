import * as z from 'zod';
import type { AwsClients } from '../aws/clientFactory.js';
import { InvalidPlaybookSettingsError } from '../domain/errors.js';
import type { RemediationRequest } from '../domain/finding.js';
import { parseControlParameters } from './controlParameters.js';
import { PLAYBOOK_TIME_BUDGET_MS, resourceNameOf, type Playbook, type PlaybookContext } from './definePlaybook.js';

/**
 * Build the context a playbook runs with. `settings` are the deployment's overrides for this
 * playbook (from the policy); the playbook's schema validates them and fills defaults. The
 * finding's control parameters are parsed with the playbook's `parameters` declaration when
 * `controlId` is the control that takes them; otherwise they are Security Hub's defaults.
 *
 * @throws {InvalidPlaybookSettingsError} the policy's settings for the playbook are invalid or looser than its control
 * @throws {InvalidControlParametersError} the finding's control parameters cannot be honoured
 */
export function createPlaybookContext(
  playbook: Playbook,
  request: RemediationRequest,
  aws: AwsClients,
  settings: unknown = undefined,
  controlId: string = playbook.controls.find((c) => request.controlIds.includes(c)) ?? playbook.controls[0]!,
  deadline: Date = new Date(Date.now() + PLAYBOOK_TIME_BUDGET_MS),
): PlaybookContext<unknown> {
  const parsed = playbook.settings.safeParse(settings ?? {});
  if (!parsed.success) {
    // Fail closed: a setting looser than the control would let verify pass what Security Hub fails.
    throw new InvalidPlaybookSettingsError(
      `the policy's settings for playbook ${playbook.id} are refused, nothing was changed: ${z.prettifyError(parsed.error)}. Fix playbookSettings.${playbook.id} in the policy.`,
    );
  }
  const { parameters, fromFinding } = parseControlParameters(playbook.parameters, request, controlId, playbook.id);
  return {
    request,
    controlId,
    resource: {
      id: request.resource.id,
      type: request.resource.type,
      account: request.account,
      region: request.region,
      partition: request.partition,
      name: resourceNameOf(request.resource.id),
    },
    aws,
    settings: parsed.data,
    parameters,
    parametersFromFinding: fromFinding,
    deadline,
  };
}
