import { RemediationFailedError } from '../../domain/errors.js';
import { definePlaybook, type PlaybookContext } from '../definePlaybook.js';
import { describeDbInstance, modifyDbInstanceNow, whyNotAppliableNow } from './dbInstance.js';

type IamAuthenticationSnapshot = { iamDatabaseAuthenticationEnabled: boolean };

/**
 * Engines of standalone DB instances that take IAM database authentication, among those RDS.10
 * evaluates (`mysql`, `postgres`, `mariadb`; its Aurora engines are cluster settings, RDS.12).
 * Any other engine (Oracle, SQL Server, Db2) cannot take the setting and Security Hub reports it
 * NOT_APPLICABLE: a finding about one is refused, never "fixed".
 */
const ENGINES_WITH_IAM_AUTHENTICATION = ['mysql', 'postgres', 'mariadb'];

const enabledNow = async (ctx: PlaybookContext<unknown>) => (await describeDbInstance(ctx)).IAMDatabaseAuthenticationEnabled ?? false;

/** Why turning it on disrupts nothing: stated in every plan that changes the instance. */
const IMPACT = {
  level: 'non-disruptive',
  why:
    'password logins keep working; IAM logins work only for database users granted them in the database (rds_iam or ' +
    'AWSAuthenticationPlugin) by principals allowed rds-db:connect; the instance is not rebooted',
} as const;

/**
 * Turns on IAM database authentication for an RDS DB instance: principals allowed `rds-db:connect`
 * can then log in as database users set up for it with a 15-minute token instead of a password.
 * Nothing changes for existing logins, hence `non-disruptive`.
 *
 * - Control: RDS.10, https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-10
 * - Config rule: rds-instance-iam-authentication-enabled, https://docs.aws.amazon.com/config/latest/developerguide/rds-instance-iam-authentication-enabled.html
 *   (NON_COMPLIANT when `iAMDatabaseAuthenticationEnabled` is false, for engines mysql, postgres,
 *   aurora, aurora-mysql, aurora-postgresql and, per the control page, mariadb): `verify` reads exactly that field.
 *
 * RDS may hold this setting for the maintenance window, so it is sent with ApplyImmediately true
 * (`verify` reads it back at once). On an instance that would also apply every pending
 * modification, so an instance with any is refused, and the check is repeated right before the call.
 */
export const enableInstanceIamAuthentication = definePlaybook<IamAuthenticationSnapshot, { description: string }>({
  id: 'rds-enable-instance-iam-authentication',
  title: 'Turn on IAM database authentication for an RDS DB instance',
  controls: ['RDS.10'],
  resourceType: 'AwsRdsDbInstance',
  impact: IMPACT.level,
  permissions: ['rds:DescribeDBInstances', 'rds:ModifyDBInstance'],

  snapshot: async (ctx) => ({ iamDatabaseAuthenticationEnabled: await enabledNow(ctx) }),

  async plan(ctx, current) {
    if (current.iamDatabaseAuthenticationEnabled) return { summary: `RDS DB instance ${ctx.resource.name} already has IAM database authentication`, changes: [] };
    const instance = await describeDbInstance(ctx);
    const engine = instance.Engine ?? 'unknown';
    let reason: string | undefined;
    if (instance.DBClusterIdentifier) reason = `it belongs to DB cluster ${instance.DBClusterIdentifier}, whose IAM authentication is a cluster setting (RDS.12)`;
    else if (!ENGINES_WITH_IAM_AUTHENTICATION.includes(engine)) reason = `its engine ${engine} does not support IAM database authentication (RDS.10 does not evaluate it); suppress the finding`;
    else reason = whyNotAppliableNow(instance);
    if (reason) {
      throw new RemediationFailedError(
        `Cannot turn on IAM database authentication for RDS DB instance ${ctx.resource.id} (finding ${ctx.request.findingId}): ${reason}. Rectify changed nothing.`,
      );
    }
    return {
      summary: `Turn on IAM database authentication for RDS DB instance ${ctx.resource.name} (${IMPACT.level}: ${IMPACT.why})`,
      impact: IMPACT,
      changes: [
        {
          description:
            `Turn on IAM database authentication for RDS DB instance ${ctx.resource.id} (${engine}), applied now with ApplyImmediately ` +
            '(nothing else is pending on the instance): password logins keep working; no database user can log in with IAM until one is granted it',
        },
      ],
    };
  },

  async apply(ctx) {
    if (!(await enabledNow(ctx))) await modifyDbInstanceNow(ctx, { EnableIAMDatabaseAuthentication: true });
  },

  async verify(ctx) {
    const enabled = await enabledNow(ctx);
    return { compliant: enabled, detail: `IAM database authentication of RDS DB instance ${ctx.resource.name} is ${enabled ? 'enabled' : 'disabled'}` };
  },

  async rollback(ctx, snapshot) {
    if (!snapshot.iamDatabaseAuthenticationEnabled && (await enabledNow(ctx))) await modifyDbInstanceNow(ctx, { EnableIAMDatabaseAuthentication: false });
  },
});
