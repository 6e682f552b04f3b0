#!/usr/bin/env node
// `npm run check:generated`: regenerates the SDK from ../../openapi/openapi.json into a
// temporary directory and fails (exit 1) when the result differs from the committed src/client/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const committed = join(root, 'src', 'client');
const openapiTs = join(root, 'node_modules', '@hey-api', 'openapi-ts', 'bin', 'run.js');

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  try {
    walk(dir);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  return out.sort();
}

/** Returns the list of differences between the committed and the fresh output. */
function compare(fresh) {
  const a = listFiles(committed);
  const b = listFiles(fresh);
  const problems = [];
  for (const f of a) if (!b.includes(f)) problems.push(`stale (no longer generated): src/client/${f}`);
  for (const f of b) if (!a.includes(f)) problems.push(`missing: src/client/${f}`);
  for (const f of a) {
    if (b.includes(f) && readFileSync(join(committed, f), 'utf8') !== readFileSync(join(fresh, f), 'utf8')) {
      problems.push(`differs: src/client/${f}`);
    }
  }
  return { problems, count: a.length };
}

function main() {
  const fresh = mkdtempSync(join(tmpdir(), 'challenger-sdk-check-'));
  try {
    const gen = spawnSync(process.execPath, [openapiTs], {
      cwd: root,
      env: { ...process.env, CHALLENGER_SDK_OUTPUT: fresh },
      encoding: 'utf8',
    });
    if (gen.status !== 0) {
      process.stderr.write(gen.stdout ?? '');
      process.stderr.write(gen.stderr ?? '');
      console.error(`check:generated: openapi-ts failed (${gen.error ?? `exit ${gen.status}`})`);
      return 2;
    }
    const { problems, count } = compare(fresh);
    if (problems.length > 0) {
      console.error('src/client/ is out of date with openapi/openapi.json:');
      for (const p of problems) console.error(`  ${p}`);
      console.error('Run `npm run generate` in clients/typescript and commit the result.');
      return 1;
    }
    console.log(`src/client/ is up to date with openapi/openapi.json (${count} files).`);
    return 0;
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

process.exitCode = main();
