import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../infra/bundling/functionBundle.js';
import { sdkSchemaKeys } from '../../../infra/bundling/sdkSchemaKeys.js';

/** A module that sends one EC2 command, as a playbook does. */
const ONE_EC2_COMMAND = `
import { EC2Client, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
export const send = (id) => new EC2Client({ region: 'us-east-1' }).send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }));
`;

/** Bytes the EC2 client's schema module adds to a minified bundle of that module. */
async function ec2SchemaBytes(plugins: Plugin[]): Promise<number> {
  const { metafile } = await build({
    stdin: { contents: ONE_EC2_COMMAND, resolveDir: REPO_ROOT, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    write: false,
    metafile: true,
    outfile: 'out.mjs',
    logLevel: 'silent',
    plugins,
  });
  const inputs = Object.entries(metafile.outputs['out.mjs']!.inputs);
  return inputs.filter(([input]) => /@aws-sdk\/client-ec2\/.*schemas_\d+\.js$/.test(input)).reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
}

describe('sdkSchemaKeys', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rectify-schema-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lets esbuild keep only the schemas of the commands a bundle sends', async () => {
    // Act
    const without = await ec2SchemaBytes([]);
    const withPlugin = await ec2SchemaBytes([sdkSchemaKeys()]);

    // Assess: every EC2 operation's schema without it (about 500 KB), a few KB with it
    expect(without).toBeGreaterThan(300_000);
    expect(withPlugin).toBeGreaterThan(0);
    expect(withPlugin).toBeLessThan(without / 20);
  }, 60_000);

  it('leaves the schemas meaning the same: the command still serializes its input', async () => {
    // Prepare: the rewritten module, loaded as a bundle
    const outfile = path.join(dir, 'ec2.mjs');
    await build({
      stdin: { contents: `${ONE_EC2_COMMAND}\nexport { DescribeSecurityGroupsCommand, EC2Client };`, resolveDir: REPO_ROOT, loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      outfile,
      logLevel: 'silent',
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      plugins: [sdkSchemaKeys()],
    });
    const bundle = (await import(pathToFileURL(outfile).href)) as {
      EC2Client: new (config: object) => { send(command: unknown): Promise<unknown>; middlewareStack: { add(mw: unknown, opts: object): void } };
      DescribeSecurityGroupsCommand: new (input: object) => unknown;
    };
    const client = new bundle.EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    let body = '';
    // Stop before the network: capture the serialized request.
    client.middlewareStack.add(
      () => async (args: { request: { body: string } }) => {
        body = String(args.request.body);
        throw new Error('captured');
      },
      { step: 'finalizeRequest', priority: 'low' },
    );

    // Act
    await expect(client.send(new bundle.DescribeSecurityGroupsCommand({ GroupIds: ['sg-1'] }))).rejects.toThrow('captured');

    // Assess
    expect(body).toContain('Action=DescribeSecurityGroups');
    expect(body).toContain('GroupId.1=sg-1');
  }, 60_000);
});
