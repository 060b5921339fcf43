import type { Metafile } from 'esbuild';

/**
 * The output files a bundle's entry loads when it is imported: the entry and the chunks it imports
 * statically, transitively. Chunks reached only through `import()` load later, when called.
 *
 * @example
 * staticClosure(metafile, 'out/remediate/index.mjs'); // ['out/remediate/index.mjs', 'out/remediate/chunks/chunk-AB12.mjs', …]
 */
export function staticClosure(metafile: Metafile, entry: string): string[] {
  if (!metafile.outputs[entry]) throw new Error(`staticClosure: ${entry} is not an output of this build`);
  const loaded = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (loaded.has(file)) continue;
    loaded.add(file);
    for (const imported of metafile.outputs[file]!.imports) {
      if (imported.kind === 'import-statement' && metafile.outputs[imported.path]) pending.push(imported.path);
    }
  }
  return [...loaded];
}

/** The output file whose entry point (an `import()` target) is this source file, e.g. one playbook's chunk. */
export function outputOfEntryPoint(metafile: Metafile, source: string): string | undefined {
  return Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === source)?.[0];
}

/** Bytes of these output files. */
export function bytesOf(metafile: Metafile, outputs: Iterable<string>): number {
  let bytes = 0;
  for (const output of outputs) bytes += metafile.outputs[output]!.bytes;
  return bytes;
}
