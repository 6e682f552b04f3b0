#!/usr/bin/env node
// `npm run check:built`: builds the app into a temporary directory and fails (exit 1) when the
// result differs from the committed dist/, which the server binary embeds at compile time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const committed = join(root, 'dist');

function listFiles(dir) {
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(dir, path).split('\\').join('/'));
    }
  };
  try {
    walk(dir);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  return files.sort();
}

const fresh = mkdtempSync(join(tmpdir(), 'challenger-web-'));
try {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const build = spawnSync(process.execPath, [vite, 'build', '--outDir', fresh, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const before = listFiles(committed);
  const after = listFiles(fresh);
  const problems = [
    ...before.filter((f) => !after.includes(f)).map((f) => `stale (no longer built): dist/${f}`),
    ...after.filter((f) => !before.includes(f)).map((f) => `missing: dist/${f}`),
    ...before
      .filter((f) => after.includes(f))
      .filter((f) => !readFileSync(join(committed, f)).equals(readFileSync(join(fresh, f))))
      .map((f) => `differs: dist/${f}`),
  ];
  if (problems.length > 0) {
    console.error(`dist/ is stale; run \`npm run build\` in clients/web and commit dist/:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`dist/ is up to date with the sources (${after.length} files).`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
