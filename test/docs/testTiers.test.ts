import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../infra/testApp.js';

const TEST_DIR = path.join(REPO_ROOT, 'test');

/** Every test file under test/, relative to the repository. */
function testFiles(dir = TEST_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.ts') ? [path.relative(REPO_ROOT, full)] : [];
  });
}

/**
 * The README promises that `npm test` needs Node and Python but no browser (docs/decisions/015):
 * a test that launches Chromium belongs to the slow tier, named `*.slow.test.ts`.
 */
describe('test tiers', () => {
  it('no test file of npm test launches a browser', () => {
    // Prepare
    const self = path.relative(REPO_ROOT, import.meta.filename); // its pattern below would match itself
    const fast = testFiles().filter((file) => !file.endsWith('.slow.test.ts') && file !== self);
    // Act
    const withBrowser = fast.filter((file) => /from '(\.\.\/)+support\/browser\.js'|from 'playwright-core'/.test(readFileSync(path.join(REPO_ROOT, file), 'utf8')));
    // Assess
    expect(fast.length).toBeGreaterThan(50);
    expect(withBrowser, 'rename these *.slow.test.ts, or test without the browser').toEqual([]);
  });

  it('a fast-tier file that stubs an AWS SDK client class restores it (the files after it share its process)', () => {
    // Prepare: `mockClient(S3Client)` replaces send on every S3Client in the process until restored;
    // `mockClient(client)` on an instance of its own stubs that instance alone (docs/decisions/018).
    const fast = testFiles().filter((file) => !file.endsWith('.slow.test.ts'));
    const stubsAClass = /mockClient\(\s*[A-Z]\w*\s*[,)]/;
    // Act
    const unrestored = fast.filter((file) => {
      const source = readFileSync(path.join(REPO_ROOT, file), 'utf8');
      return stubsAClass.test(source) && !/\.restore\(\)/.test(source);
    });
    // Assess
    expect(fast.filter((file) => stubsAClass.test(readFileSync(path.join(REPO_ROOT, file), 'utf8'))).length, 'the check sees the class stubs there are').toBeGreaterThan(0);
    expect(unrestored, 'call .restore() on the stub in an afterAll').toEqual([]);
  });

  it('the per-playbook workflow runs are slow-tier files, so the fast tier does not grow with the catalog', () => {
    // Prepare: every playbook scenario through the workflow, with the permission proof over its calls,
    // and every remediated scenario again with an apply that changes nothing (docs/decisions/018).
    const files = testFiles();
    // Assess
    expect(files).toEqual(expect.arrayContaining(['test/playbooks/scenarios.slow.test.ts', 'test/playbooks/verifyCatchesNoop.slow.test.ts']));
    expect(files.filter((file) => /^test\/playbooks\/(scenarios|verifyCatchesNoop)\.test\.ts$/.test(file))).toEqual([]);
  });

  it('the README names both tiers and the prerequisite each needs', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const scripts = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['test:slow']).toContain('vitest.slow.config.ts');
    expect(readme).toContain('npm run test:slow');
    expect(readme).toMatch(/apt-get install -y chromium/);
    expect(readme).toMatch(/python3-venv/);
  });
});
