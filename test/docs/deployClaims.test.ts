import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, removeOutdirs, templatesFor } from '../infra/testApp.js';

/**
 * What the docs say the member stack holds — which roles, trusted by which administrator roles —
 * read from the synthesized template, not from memory (issue 14): a change to the roles or their
 * trust fails here until README.md and docs/deploying.md say the same.
 */
interface RoleJson {
  Type: string;
  Properties: { RoleName: string; AssumeRolePolicyDocument: { Statement: { Principal: { AWS?: unknown; Service?: unknown } }[] } };
}

/** Every string inside a CloudFormation value (a Join's parts), joined: enough to find role names in ARNs. */
function flatText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatText).join('');
  if (value && typeof value === 'object') return Object.values(value).map(flatText).join('');
  return '';
}

/** Member roles that administrator roles may assume, each with the names of those roles. */
function memberRolesAndTrust(): Map<string, string[]> {
  const { member } = templatesFor({ adminAccount: '111111111111' });
  const resources = (member.toJSON() as { Resources: Record<string, RoleJson> }).Resources;
  const trust = new Map<string, string[]>();
  for (const role of Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Role')) {
    const principals = role.Properties.AssumeRolePolicyDocument.Statement.flatMap((s) => (s.Principal.AWS === undefined ? [] : [s.Principal.AWS].flat()));
    if (principals.length === 0) continue; // assumed by a service (the runbooks' automation roles)
    const names = [...new Set(principals.map(flatText).map((arn) => /role\/([\w+=,.@-]+)$/.exec(arn)?.[1] ?? arn))].sort();
    trust.set(role.Properties.RoleName, names);
  }
  return trust;
}

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');

describe('the docs say what the member template holds', () => {
  afterAll(removeOutdirs);
  const trust = memberRolesAndTrust();

  it('finds the member roles administrator roles assume', () => {
    expect([...trust.keys()].sort()).toEqual(['RectifyReadRole', 'RectifyRemediationRole']);
  });

  it('docs/deploying.md: its member-role table lists exactly these roles, each trusted by exactly the administrator roles it names', () => {
    const rows = read('docs/deploying.md')
      .split('\n')
      .filter((line) => /^\| `Rectify\w+Role`/.test(line))
      .map((line) => {
        const cells = line.split(' | ');
        return { role: /`(Rectify\w+Role)`/.exec(cells[0]!)![1]!, trustedBy: [...cells.at(-1)!.matchAll(/`(rectify-[a-z-]+)`/g)].map((m) => m[1]!).sort() };
      });
    expect(Object.fromEntries(rows.map((r) => [r.role, r.trustedBy]))).toEqual(Object.fromEntries(trust));
  });

  it('README.md: names every member role, says how many there are, and names the only administrator role the change role trusts', () => {
    const readme = read('README.md');
    const words = ['no', 'one', 'two', 'three', 'four'];
    expect(readme).toContain(`The member stack holds ${words[trust.size]} roles`);
    for (const role of trust.keys()) expect(readme).toContain(`\`${role}\``);
    const changeTrust = trust.get('RectifyRemediationRole')!;
    expect(changeTrust).toHaveLength(1);
    expect(readme).toContain(`trusted only by the administrator's \`${changeTrust[0]}\` role`);
  });
});
