import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningHarness, type ListeningHarness } from './listening-harness.js';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const readJson = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, any>;

/** `switchboard/sdk`: what package.json promises is what the build emits, and the emitted SDK stands on its own. */
describe('the SDK as a package entry', () => {
  let h: ListeningHarness;
  let isolated: string;
  beforeAll(async () => {
    h = await startListeningHarness();
    // Inside dist/ (ignored by git and prettier) so that packages still resolve from the project's node_modules.
    mkdirSync(join(ROOT, 'dist'), { recursive: true });
    isolated = mkdtempSync(join(ROOT, 'dist', 'sdk-isolated-'));
  });
  afterAll(async () => {
    rmSync(isolated, { recursive: true, force: true });
    await h.close();
  });

  it('exports ./sdk at the JS and the declarations tsconfig.build.json emits for src/sdk/index.ts', () => {
    const build = readJson('tsconfig.build.json').compilerOptions as Record<string, unknown>;
    const base = readJson('tsconfig.json').compilerOptions as Record<string, unknown>;
    expect(build['declaration']).toBe(true);
    expect([base['outDir'], base['rootDir']]).toEqual(['dist', '.']);
    expect(readJson('package.json').exports['./sdk']).toEqual({
      types: './dist/src/sdk/index.d.ts',
      default: './dist/src/sdk/index.js',
    });
  });

  it('compiled alone, without a single server module beside it, the SDK loads and talks to a server', async () => {
    const sources = readdirSync(join(ROOT, 'src/sdk')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    for (const file of sources) {
      const { outputText } = ts.transpileModule(readFileSync(join(ROOT, 'src/sdk', file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      });
      writeFileSync(join(isolated, file.replace(/\.ts$/, '.js')), outputText);
    }
    const sdk = (await import(pathToFileURL(join(isolated, 'index.js')).href)) as typeof import('../../src/sdk/index.js');
    const health = await sdk.createClient({ url: h.url }).health();
    expect(health).toMatchObject({ success: true, status: 'healthy' });
  });
});
