import { vi } from 'vitest';

/**
 * The mutant: the playbook named by RECTIFY_MUTANT_PLAYBOOK gets a `verify` that always answers
 * compliant, as a lying verify would. Loaded only by vitest.mutation.config.ts, run by
 * test/mutation/mutateVerify.ts; the code under test is not edited, the module is replaced in
 * the test process (vitest's module mocking), so nothing can leak into the real tree.
 */
vi.mock('../../tasks/playbooks/definePlaybook.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../tasks/playbooks/definePlaybook.js')>();
  const mutant = process.env.RECTIFY_MUTANT_PLAYBOOK;
  if (!mutant) throw new Error('RECTIFY_MUTANT_PLAYBOOK names the playbook to mutate');
  return {
    ...original,
    definePlaybook: ((definition: Parameters<typeof original.definePlaybook>[0]) => {
      const playbook = original.definePlaybook(definition);
      if (playbook.id !== mutant) return playbook;
      return { ...playbook, verify: async () => ({ compliant: true, detail: 'mutant: verify always answers compliant' }) };
    }) as typeof original.definePlaybook,
  };
});
