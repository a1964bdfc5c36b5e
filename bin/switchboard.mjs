#!/usr/bin/env node
// @ts-check
// The `switchboard` command (package.json `bin`). In a clone (it has src/ and the build script)
// it first builds what changed, as `npm start` does, so the command never runs a stale dist
// and `npm install` need not build anything (docs/adr/0008-cli-launcher-builds-in-a-clone.md).
// The published package ships dist/ only: nothing to build, straight to the compiled CLI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const BUILD = join(ROOT, 'scripts', 'build.mjs');

if (existsSync(join(ROOT, 'src')) && existsSync(BUILD)) {
  // stdout stays the command's own (a token secret, a listening line): the build speaks on stderr.
  const built = spawnSync(process.execPath, [BUILD, '--quiet'], { stdio: ['ignore', 2, 2] });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
await import(pathToFileURL(join(ROOT, 'dist', 'src', 'cli', 'main.js')).href);
