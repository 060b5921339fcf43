import type { PlanImpact } from '../definePlaybook.js';
import type { BlockPublicAccess, SettingName } from './blockPublicAccess.js';
import type { BucketExposure, PublicGrant } from './bucketExposure.js';

/** The setting that stops a grant of that source from working today (the Block* ones only refuse new grants). */
const NEUTRALISED_BY: Readonly<Record<PublicGrant['source'], SettingName>> = { acl: 'IgnorePublicAcls', policy: 'RestrictPublicBuckets' };

const list = (grants: readonly PublicGrant[]) => grants.map((grant) => grant.description).join(', ');

/**
 * The impact of turning on `turningOn` for one bucket (DESIGN §5, docs/decisions/011). Disruptive
 * when it cuts off public access the bucket grants today: a public policy that
 * RestrictPublicBuckets stops, a public ACL grant that IgnorePublicAcls stops, or, while ACLs are
 * enabled and the bucket holds objects, object ACLs that Rectify does not read (one call per
 * object) and IgnorePublicAcls stops honouring. A setting the account already enforces cuts off
 * nothing more. BlockPublicAcls and BlockPublicPolicy only refuse public ACLs and policies set from
 * now on, so they cut off no access granted today.
 */
export function bucketImpact(
  bucket: string,
  turningOn: readonly SettingName[],
  exposure: BucketExposure,
  account: BlockPublicAccess | null,
): PlanImpact {
  const newlyOn = (name: SettingName) => turningOn.includes(name) && !account?.[name];
  const cut = exposure.grants.filter((grant) => newlyOn(NEUTRALISED_BY[grant.source]));
  const reasons: string[] = [];
  const policyCut = cut.filter((grant) => grant.source === 'policy');
  const aclCut = cut.filter((grant) => grant.source === 'acl');
  if (policyCut.length > 0) {
    reasons.push(
      `${list(policyCut)}: RestrictPublicBuckets limits the bucket to AWS services and principals of its own account, so ` +
        'this stops working, and so does any access the policy grants other accounts',
    );
  }
  if (aclCut.length > 0) reasons.push(`${list(aclCut)}: IgnorePublicAcls stops honouring it`);
  const objectAclsMatter = exposure.aclsEnabled && newlyOn('IgnorePublicAcls');
  if (objectAclsMatter && exposure.holdsObjects) {
    reasons.push(
      `ACLs are enabled on the bucket (object ownership ${exposure.objectOwnership}) and it holds objects, whose ACLs Rectify does not read: ` +
        'IgnorePublicAcls stops honouring any that grants the public access',
    );
  }
  if (reasons.length > 0) {
    return { level: 'disruptive', why: `turning on ${turningOn.join(', ')} for bucket ${bucket} may cut off public access in use: ${reasons.join('; ')}` };
  }

  const facts: string[] = [];
  const kept = exposure.grants.filter((grant) => !cut.includes(grant));
  const byAccount = kept.filter((grant) => account?.[NEUTRALISED_BY[grant.source]]);
  const untouched = kept.filter((grant) => !byAccount.includes(grant));
  if (exposure.grants.length === 0) facts.push('its ACL and policy grant the public nothing');
  if (byAccount.length > 0) facts.push(`already without effect under the account's Block Public Access settings: ${list(byAccount)}`);
  if (untouched.length > 0) facts.push(`not affected by these settings: ${list(untouched)}`);
  if (!exposure.aclsEnabled) facts.push('ACLs are disabled (object ownership BucketOwnerEnforced)');
  if (objectAclsMatter && !exposure.holdsObjects) facts.push('it holds no object, so no object ACL grants anything');
  const enforced = turningOn.filter((name) => account?.[name]);
  if (enforced.length > 0) facts.push(`the account already enforces ${enforced.join(', ')}`);
  const refusing = (['BlockPublicAcls', 'BlockPublicPolicy'] as const).filter((name) => newlyOn(name));
  if (refusing.length > 0) {
    const what = refusing.map((name) => (name === 'BlockPublicAcls' ? 'public ACLs' : 'public policies')).join(' and ');
    facts.push(`${refusing.join(' and ')} only refuse${refusing.length === 1 ? 's' : ''} ${what} set from now on`);
  }
  return { level: 'non-disruptive', why: `turning on ${turningOn.join(', ')} for bucket ${bucket} cuts off no access in use: ${facts.join('; ')}` };
}
