import { createHash } from 'node:crypto';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { nativeSha256 } from '../../../infra/bundling/nativeSha256.js';

/** Where the SDK's Node hash lives (not an export of the package). */
const SHA256_NODE = 'node_modules/@smithy/core/dist-es/submodules/checksum/sha256/Sha256Node.js';

/** Bundle a module the way the functions are (ESM, Node), with the plugin. */
async function bundle(contents: string) {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd() },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    metafile: true,
    plugins: [nativeSha256()],
    logLevel: 'silent',
  });
  return { inputs: Object.keys(result.metafile.inputs), code: result.outputFiles[0]!.text };
}

describe('the SDK signer hashes with node:crypto only', () => {
  it("drops the pure-JavaScript fallback from Sha256Node, and the signer's hash is still SHA-256", async () => {
    // Act
    // (the module itself: the package's index re-exports Sha256Js too, which the functions' flattened imports never reach)
    const { inputs, code } = await bundle(`export { Sha256Node } from "./${SHA256_NODE}";`);
    const { Sha256Node } = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
      Sha256Node: new (secret?: string) => { update(data: Uint8Array): void; digest(): Promise<Uint8Array> };
    };
    const hash = new Sha256Node();
    hash.update(Buffer.from('rectify'));
    const hmac = new Sha256Node('key');
    hmac.update(Buffer.from('rectify'));

    // Assess
    expect(inputs.filter((i) => i.endsWith('Sha256Js.js'))).toEqual([]);
    expect(Buffer.from(await hash.digest()).toString('hex')).toBe(createHash('sha256').update('rectify').digest('hex'));
    expect(inputs.filter((i) => i.endsWith('Sha256Node.js'))).toHaveLength(1);
    expect(Buffer.from(await hmac.digest()).length).toBe(32);
  });

  it('leaves Sha256Js to a module that imports it by name', async () => {
    // Act
    const { inputs } = await bundle('export { Sha256Js } from "@smithy/core/checksum";');

    // Assess
    expect(inputs.filter((i) => i.endsWith('Sha256Js.js'))).toHaveLength(1);
  });
});
