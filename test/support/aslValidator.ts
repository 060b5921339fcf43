import { createRequire } from 'node:module';

// asl-validator ships CommonJS without type declarations.
const validator = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errors: unknown[] };

/** Validate an ASL definition (on a copy: the validator writes defaults into its input). */
export function validateAsl(definition: unknown): { isValid: boolean; errors: unknown[] } {
  return validator(structuredClone(definition), { checkPaths: true, checkArn: true });
}
