// Starts a real release build of the challenger server for the SDK tests: a fresh temporary
// working directory (so the development key and the SQLite database are throw-away), a free
// port, the development token issuer and the builtin generator.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RunningServer {
  baseUrl: string;
  /** Everything the server wrote to stdout/stderr so far (for failure messages). */
  log: () => string;
  stop: () => Promise<void>;
}

export function serverBinary(): string {
  if (process.env.CHALLENGER_BIN) return process.env.CHALLENGER_BIN;
  const candidates = [
    process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, 'release', 'challenger'),
    join(homedir(), '.cache', 'challenger-target', 'release', 'challenger'),
    fileURLToPath(new URL('../../../target/release/challenger', import.meta.url)),
  ].filter((c): c is string => Boolean(c));
  // The most recently built one, wherever cargo put it.
  const found = candidates
    .filter((c) => existsSync(c))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!found) {
    throw new Error(
      `challenger binary not found (tried ${candidates.join(', ')}); ` +
        'build it with `cargo build --release` or set CHALLENGER_BIN',
    );
  }
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startServer(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const bin = serverBinary();
  const cwd = mkdtempSync(join(tmpdir(), 'challenger-sdk-test-'));
  const port = await freePort();

  // Start from the caller's environment minus anything that would switch off the development
  // issuer or pick a networked generator.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(CLERK_|OPENAI_|CHALLENGE_GENERATOR$|DATABASE_URL$|DAILY_QUOTA$|HOST$|PORT$)/.test(k)) continue;
    env[k] = v;
  }
  Object.assign(env, {
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: `sqlite://${join(cwd, 'challenger.db')}?mode=rwc`,
    CHALLENGE_GENERATOR: 'builtin',
    RUST_LOG: process.env.RUST_LOG ?? 'warn',
    ...extraEnv,
  });

  let output = '';
  const child = spawn(bin, ['serve'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => {}); // only awaited while starting; never an unhandled rejection later

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(timer);
    }
    rmSync(cwd, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`challenger exited with code ${child.exitCode} before it was ready:\n${output}`);
      }
      try {
        const res = await Promise.race([fetch(`${baseUrl}/readyz`), spawnError]);
        if (res.status === 200) break;
      } catch (err) {
        if (child.exitCode !== null || (err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
      }
      if (Date.now() > deadline) throw new Error(`challenger not ready after 15 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await stop();
    throw err;
  }

  return { baseUrl, log: () => output, stop };
}
