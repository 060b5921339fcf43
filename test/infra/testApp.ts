import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildRectifyApp, type RectifyStacks } from '../../infra/rectifyApp.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A region where CloudFormation offers every resource type the admin stack uses (the bundled
 * CloudFormation Validate data lacks AWS::SecurityHub::ActionTarget in most regions).
 */
export const TEST_REGION = 'us-east-1';

/** cdk.json's context, as the CLI passes it (`new App()` alone ignores cdk.json). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

const outdirs: string[] = [];

/** A temporary cloud assembly directory, removed by {@link removeOutdirs}. */
export function tempOutdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rectify-infra-'));
  outdirs.push(dir);
  return dir;
}

export function removeOutdirs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** cdk.json's context with `rectify` overrides, and bundling skipped. */
export function testContext(rectify: Record<string, unknown> = {}): Record<string, unknown> {
  const context = cdkJsonContext();
  return {
    ...context,
    rectify: { ...(context.rectify as Record<string, unknown>), region: TEST_REGION, ...rectify },
    'aws:cdk:bundling-stacks': [],
  };
}

/**
 * The configurations whole-app checks (cdk-nag, Control Tower rules, limits) run against: the
 * account-agnostic defaults, and everything that changes what is synthesized turned the other way.
 */
export const APP_CONFIGURATIONS: Readonly<Record<string, Record<string, unknown>>> = {
  'the cdk.json defaults': {},
  'a closed account list, the same-account shortcut, subscriptions, a custom approval domain and no custom action': {
    adminAccount: '111111111111',
    memberAccounts: ['222222222222', '333333333333'],
    sameAccountShortcut: true,
    approvalEmails: ['secops@example.com'],
    escalationEmails: ['oncall@example.com'],
    approvalBaseUrl: 'https://approvals.example.com',
    approvalRateLimit: 2,
    approvalBurstLimit: 4,
    createCustomAction: false,
  },
};

export interface TestApp extends RectifyStacks {
  readonly app: App;
}

/** The Rectify app as the CLI builds it, without bundling and (by default) without the nag and Control Tower plugins. */
export function testApp(rectify: Record<string, unknown> = {}, options: { nag?: boolean; controlTowerRules?: boolean } = {}): TestApp {
  const app = new App({ context: testContext(rectify), outdir: tempOutdir() });
  return { app, ...buildRectifyApp(app, { nag: options.nag ?? false, controlTowerRules: options.controlTowerRules ?? false }) };
}

/** Both templates of one app, synthesized once. */
export function templatesOf(stacks: TestApp): { admin: Template; member: Template } {
  return { admin: Template.fromStack(stacks.admin), member: Template.fromStack(stacks.member) };
}

/** The synthesized templates of each configuration this process has asked for, as JSON. */
const synthesized = new Map<string, { admin: unknown; member: unknown }>();

/** A configuration's cache key: the same settings in any key order give the same key. */
function configurationKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(configurationKey).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${configurationKey(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * Both templates of the app built with `rectify` overrides (as {@link testApp} builds it, no
 * plugins), synthesized once per test process and configuration: a synth is pure, and the fast
 * tier's files share their worker's process (docs/decisions/018). Each call gets its own copy,
 * so a test that changes what `toJSON()` returns cannot change another's. Tests that need the
 * constructs (to add to them, or to validate them with a plugin) build their own {@link testApp}.
 */
export function templatesFor(rectify: Record<string, unknown> = {}): { admin: Template; member: Template } {
  const key = configurationKey(rectify);
  let json = synthesized.get(key);
  if (!json) {
    const { admin, member } = templatesOf(testApp(rectify));
    json = { admin: admin.toJSON(), member: member.toJSON() };
    synthesized.set(key, json);
  }
  return { admin: Template.fromJSON(structuredClone(json.admin) as Record<string, unknown>), member: Template.fromJSON(structuredClone(json.member) as Record<string, unknown>) };
}
