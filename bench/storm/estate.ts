import { clientsFor, type AwsClients } from '../../tasks/aws/clientFactory.js';
import { LOCAL_ADMIN_ACCOUNT } from '../../workflows/local/awsEnv.js';
import { mapWithConcurrency } from '../pool.js';
import type { PlannedResource } from './plan.js';

/** The estate's resources by plan key, and their tags by ARN (what the tagging API would answer). */
export interface Estate {
  readonly arns: Map<number, string>;
  readonly tagsByArn: Map<string, Record<string, string>>;
  /** Plan keys tried (created or failed): the estate covers the plan up to the first key not tried. */
  readonly tried: Set<number>;
  /** Creations moto answered with an error (it sometimes fails under concurrent EC2 calls); their findings are not sent. */
  readonly failures: { count: number; example: string };
}

/**
 * Create the planned resources in moto, in plan order, `limit` calls at a time, until all exist
 * or `deadline` (epoch ms) passes; member accounts through an assumed role, as the scenarios do.
 */
export async function createEstate(
  resources: readonly PlannedResource[],
  options: { limit: number; deadline?: number; onProgress?: (done: number) => void },
): Promise<Estate> {
  const clients = new Map<string, AwsClients>();
  const clientsOf = (account: string) => {
    let aws = clients.get(account);
    if (!aws) {
      aws = clientsFor(account, 'us-east-1', { adminAccount: LOCAL_ADMIN_ACCOUNT, memberRoleName: 'OrganizationAccountAccessRole', sameAccountShortcut: true, sessionName: 'rectify-bench' });
      clients.set(account, aws);
    }
    return aws;
  };
  const arns = new Map<number, string>();
  const tagsByArn = new Map<string, Record<string, string>>();
  const tried = new Set<number>();
  const failures = { count: 0, example: '' };
  let done = 0;
  await mapWithConcurrency(
    resources,
    options.limit,
    async (resource) => {
      tried.add(resource.key);
      try {
        const arn = await resource.control.create(clientsOf(resource.account), resource.name, resource.tags);
        arns.set(resource.key, arn);
        tagsByArn.set(arn, resource.tags);
      } catch (error) {
        failures.count++;
        failures.example ||= `${resource.control.controlId} ${resource.name}: ${(error as Error).name}: ${(error as Error).message.slice(0, 200)}`;
      }
      options.onProgress?.(++done);
    },
    options.deadline,
  );
  return { arns, tagsByArn, tried, failures };
}
