import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * A throwaway Redis for the queue tests and the queue benchmark. A fresh machine has none: Debian's
 * redis-server is installed when missing (a test never silently skips), and each server listens on its
 * own loopback port with persistence off, so a restart loses every job (what the tests of a Redis
 * restart need).
 */
export function ensureRedisServer(): void {
  ensureDebianPackage('redis-server', 'redis-server');
}

/** Installs Debian's `pkg` with apt-get unless `command` is already on PATH (the browser tests' chromium too). */
export function ensureDebianPackage(command: string, pkg: string): void {
  if (onPath(command)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', pkg]]) {
    const run = spawnSync('apt-get', args, { encoding: 'utf8', env, timeout: 600_000 });
    if (run.status !== 0) {
      throw new Error(`${command} is missing and "apt-get ${args.join(' ')}" failed (${run.status}): ${run.stderr || run.error?.message}`);
    }
  }
  if (!onPath(command)) throw new Error(`apt-get installed ${pkg} but ${command} is not on PATH`);
}

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, then waits for it). */
  stop(): Promise<void>;
  /** Stops it and starts a fresh one on the same port: every key is gone. */
  restart(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  ensureRedisServer();
  const port = await freePort();
  let server = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    stop: () => halt(server),
    restart: async () => {
      await halt(server);
      server = await launch(port);
    },
  };
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

async function launch(port: number): Promise<ChildProcess> {
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', process.env.TMPDIR ?? '/tmp'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`redis-server on port ${port} did not start:\n${output}`)), 20_000);
    server.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/ready to accept connections/i.test(output)) {
        clearTimeout(timer);
        done();
      }
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`redis-server on port ${port} exited with ${code}:\n${output}`));
    });
  });
  server.stdout!.resume();
  server.stderr!.resume();
  return server;
}

async function halt(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((done) => server.once('exit', () => done()));
  server.kill('SIGTERM');
  await exited;
}
