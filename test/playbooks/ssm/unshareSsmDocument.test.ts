import { CreateDocumentCommand, DescribeDocumentPermissionCommand, ModifyDocumentPermissionCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { createPlaybookContext } from '../../../tasks/playbooks/context.js';
import { unshareSsmDocument as playbook } from '../../../tasks/playbooks/ssm/unshareSsmDocument.js';
import { useMoto } from '../../support/moto.js';
import { requestFor } from '../../support/request.js';

const ACCOUNT = '123456789012';
const PARTNER = '210987654321';
const documentArn = (name: string) => `arn:aws:ssm:us-east-1:${ACCOUNT}:document/${name}`;
const CONTENT = JSON.stringify({ schemaVersion: '2.2', description: 'hello', mainSteps: [{ action: 'aws:runShellScript', name: 'hello', inputs: { runCommand: ['echo hello'] } }] });

describe('unshareSsmDocument (SSM.4) against moto', () => {
  const aws = useMoto();
  const ssm = () => aws.clients().client(SSMClient);

  async function document(shareWith: string[] = []): Promise<string> {
    const Name = `patch-${crypto.randomUUID().slice(0, 8)}`;
    await ssm().send(new CreateDocumentCommand({ Name, Content: CONTENT, DocumentType: 'Command' }));
    // One call each: SSM refuses "all" together with account ids in one request.
    for (const id of shareWith) await ssm().send(new ModifyDocumentPermissionCommand({ Name, PermissionType: 'Share', AccountIdsToAdd: [id] }));
    return Name;
  }
  const sharedWith = async (Name: string) =>
    ((await ssm().send(new DescribeDocumentPermissionCommand({ Name, PermissionType: 'Share' }))).AccountIds ?? []).sort();
  const contextFor = (name: string) =>
    createPlaybookContext(playbook, requestFor({ resourceType: 'AwsSsmDocument', resourceId: documentArn(name), controlId: 'SSM.4' }), aws.clients());

  // moto keeps public and named-account sharing exclusive (adding "all" drops named accounts): a public document here has no other share.
  it('removes "all", and leaves a neighbouring public document and a document shared with a named account alone', async () => {
    // Prepare
    const name = await document(['all']);
    const named = await document([PARTNER]);
    const neighbour = await document(['all']);
    const ctx = contextFor(name);
    // Act
    const snapshot = await playbook.snapshot(ctx);
    const plan = await playbook.plan(ctx, snapshot);
    await playbook.apply(ctx, plan);
    // Assess
    expect(snapshot).toEqual({ public: true, sharedVersion: '$DEFAULT' });
    expect(plan.changes.map((c) => c.description)).toEqual([`Remove "all" from the accounts SSM document ${documentArn(name)} is shared with`]);
    expect(plan.impact?.level).toBe('disruptive');
    expect(await playbook.verify(ctx)).toEqual({ compliant: true, detail: `SSM document ${name} is not shared publicly (SSM.4)` });
    expect(await sharedWith(name)).toEqual([]);
    expect(await sharedWith(neighbour)).toEqual(['all']);
    expect(await sharedWith(named)).toEqual([PARTNER]);
  });

  it('verify answers non-compliant for a public document, and again after it is shared publicly anew', async () => {
    // Prepare
    const name = await document(['all']);
    const ctx = contextFor(name);
    // Act
    const before = await playbook.verify(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, await playbook.snapshot(ctx)));
    const fixed = await playbook.verify(ctx);
    await ssm().send(new ModifyDocumentPermissionCommand({ Name: name, PermissionType: 'Share', AccountIdsToAdd: ['all'] }));
    const putBack = await playbook.verify(ctx);
    // Assess
    expect(before).toEqual({ compliant: false, detail: `SSM document ${name} is shared publicly (SSM.4)` });
    expect(fixed.compliant).toBe(true);
    expect(putBack.compliant).toBe(false);
  });

  it('rolls back to public, twice without harm', async () => {
    // Prepare
    const name = await document(['all']);
    const ctx = contextFor(name);
    const before = await playbook.snapshot(ctx);
    await playbook.apply(ctx, await playbook.plan(ctx, before));
    // Act
    await playbook.rollback(ctx, before);
    await playbook.rollback(ctx, before);
    // Assess
    expect(await playbook.snapshot(ctx)).toEqual(before);
    expect(await sharedWith(name)).toEqual(['all']);
    expect(before).toEqual({ public: true, sharedVersion: '$DEFAULT' });
  });

  it('changes nothing when applied a second time, and plans nothing for a private document', async () => {
    // Prepare
    const name = await document(['all']);
    const privateOne = await document([PARTNER]);
    const ctx = contextFor(name);
    const plan = await playbook.plan(ctx, await playbook.snapshot(ctx));
    await playbook.apply(ctx, plan);
    // Act
    await playbook.apply(ctx, plan);
    const quiet = contextFor(privateOne);
    // Assess
    expect(await sharedWith(name)).toEqual([]);
    expect((await playbook.plan(ctx, await playbook.snapshot(ctx))).changes).toEqual([]);
    expect((await playbook.plan(quiet, await playbook.snapshot(quiet))).changes).toEqual([]);
  });

  it('fails the snapshot of a document that does not exist', async () => {
    // Act
    const snapshot = playbook.snapshot(contextFor('no-such-document'));
    // Assess
    await expect(snapshot).rejects.toThrow(/SSM document .*no-such-document does not exist/);
  });
});
