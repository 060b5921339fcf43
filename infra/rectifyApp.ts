import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RectifyAdminStack } from './adminStack.js';
import { CONTEXT_KEY, loadConfig, RectifyConfigError, type RectifyConfig } from './config.js';
import { ControlTowerRules } from './controlTowerRules.js';
import { RectifyMemberStack } from './memberStack.js';
import { StackId } from './names.js';

export interface RectifyStacks {
  readonly config: RectifyConfig;
  readonly admin: RectifyAdminStack;
  readonly member: RectifyMemberStack;
}

export interface BuildOptions {
  /**
   * Register cdk-nag's AwsSolutions pack, so synth fails on any unacknowledged finding.
   * @default true
   */
  readonly nag?: boolean;
  /**
   * Register CloudFormation Guard with the AWS Control Tower proactive-control rules, so synth
   * fails on any unacknowledged violation (infra/controlTowerRules.ts).
   * @default true
   */
  readonly controlTowerRules?: boolean;
  /**
   * Region of the admin stack when `rectify.region` is not set.
   * @default process.env.CDK_DEFAULT_REGION (set by the CDK CLI)
   */
  readonly defaultRegion?: string;
}

/**
 * Validate the `rectify` context and add both stacks to the app. A bad context value throws
 * before anything is built, naming the key.
 *
 * @example
 * const { admin } = buildRectifyApp(new App({ context }));
 */
export function buildRectifyApp(app: App, options: BuildOptions = {}): RectifyStacks {
  const config = loadConfig(app.node.tryGetContext(CONTEXT_KEY));
  const region = config.region ?? options.defaultRegion ?? process.env.CDK_DEFAULT_REGION;
  if (!region) {
    throw new RectifyConfigError(
      `${CONTEXT_KEY}.region: not set, and no default region is known: set it in cdk.json (the Security Hub aggregation region) or run through the CDK CLI`,
    );
  }
  const admin = new RectifyAdminStack(app, StackId.admin, {
    config,
    // Pinned to the configured account when there is one: deploying with another account's credentials fails early.
    env: { region, ...(config.adminAccount ? { account: config.adminAccount } : {}) },
    description: 'Rectify: automated remediation of Security Hub findings (administrator account)',
  });
  const member = new RectifyMemberStack(app, StackId.member, { config });
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  if (options.controlTowerRules ?? true) {
    Validations.of(app).addPlugins(new ControlTowerRules());
  }
  return { config, admin, member };
}
