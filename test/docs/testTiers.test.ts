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

  it('the README names both tiers and the prerequisite each needs', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const scripts = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['test:slow']).toContain('vitest.slow.config.ts');
    expect(readme).toContain('npm run test:slow');
    expect(readme).toMatch(/apt-get install -y chromium/);
    expect(readme).toMatch(/python3-venv/);
  });
});
