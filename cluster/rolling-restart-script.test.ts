import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * deploy/systemd/rolling-restart.sh with NGINX_CONF: each instance is marked `down` in nginx's
 * upstream block and nginx reloaded before its restart, and put back once /readyz answers.
 * systemctl, nginx and curl are stand-ins that record what they were asked and, for nginx, which
 * upstream lines were down at each reload.
 */
const execFileAsync = promisify(execFile);
const script = fileURLToPath(new URL('../deploy/systemd/rolling-restart.sh', import.meta.url));

const upstreamBlock = `upstream shutterlock {
    server 127.0.0.1:8081 max_fails=1 fail_timeout=5s;
    server 127.0.0.1:8082 max_fails=1 fail_timeout=5s;
    # server 10.0.0.12:8081 max_fails=1 fail_timeout=5s;
    server 10.0.0.13:8081;
}
`;

describe('deploy/systemd/rolling-restart.sh', () => {
  let dir: string;
  let conf: string;
  let calls: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rolling-restart-'));
    conf = path.join(dir, 'shutterlock.conf');
    calls = path.join(dir, 'calls.log');
    const bin = path.join(dir, 'bin');
    await fs.mkdir(bin);
    const stub = async (name: string, body: string) => fs.writeFile(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${calls}"\n${body}`, { mode: 0o755 });
    await stub('systemctl', '');
    await stub('curl', '');
    await stub('nginx', `[ "$1" = -t ] && [ -n "\${NGINX_REFUSES:-}" ] && exit 1\n[ "$1" = -s ] && grep -o ':[0-9]* .* down;' "${conf}" | sed 's/^/  down: /' >> "${calls}"\nexit 0\n`);
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function run(env: Record<string, string>): Promise<string[]> {
    await fs.writeFile(conf, upstreamBlock);
    await fs.writeFile(calls, '');
    await execFileAsync('sh', [script, '8081', '8082'], { env: { ...env, PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? ''}` } });
    return (await fs.readFile(calls, 'utf8')).trim().split('\n');
  }

  it('takes each local instance out of nginx before its restart and puts it back once ready', async () => {
    const seen = await run({ NGINX_CONF: conf });
    expect(seen).toEqual([
      'nginx -t -q',
      'nginx -s reload',
      '  down: :8081 max_fails=1 fail_timeout=5s down;',
      'systemctl restart shutterlock@8081',
      'curl -fsS -o /dev/null http://127.0.0.1:8081/readyz',
      'nginx -t -q',
      'nginx -s reload',
      'nginx -t -q',
      'nginx -s reload',
      '  down: :8082 max_fails=1 fail_timeout=5s down;',
      'systemctl restart shutterlock@8082',
      'curl -fsS -o /dev/null http://127.0.0.1:8082/readyz',
      'nginx -t -q',
      'nginx -s reload',
    ]);
    // Every line as it was, the other machine's server on the same port included.
    expect(await fs.readFile(conf, 'utf8')).toBe(upstreamBlock);
  }, 30_000);

  it('marks an instance down once when a stopped run left it down', async () => {
    await fs.writeFile(conf, upstreamBlock.replace('8081 max_fails=1 fail_timeout=5s;', '8081 max_fails=1 fail_timeout=5s down;'));
    await fs.writeFile(calls, '');
    await execFileAsync('sh', [script, '8081'], { env: { NGINX_CONF: conf, PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? ''}` } });
    expect(await fs.readFile(conf, 'utf8')).toBe(upstreamBlock);
    expect(await fs.readFile(calls, 'utf8')).toContain('  down: :8081 max_fails=1 fail_timeout=5s down;\n');
  }, 30_000);

  it('refuses, before touching anything, a port that is not a bare number or names no local server line', async () => {
    const marker = path.join(dir, 'ran');
    for (const port of [`8081)/&/;e touch ${marker};#`, '808.', '', '99999', '08081', '8083']) {
      await fs.writeFile(conf, upstreamBlock);
      await fs.writeFile(calls, '');
      const run = execFileAsync('sh', [script, port], { env: { NGINX_CONF: conf, PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? ''}` } });
      await expect(run, port).rejects.toMatchObject({ code: 2 });
      expect(await fs.readFile(conf, 'utf8'), port).toBe(upstreamBlock);
      expect(await fs.readFile(calls, 'utf8'), port).toBe('');
    }
    await expect(fs.access(marker)).rejects.toThrow();
  }, 30_000);

  it('puts NGINX_CONF back as it was and restarts nothing when nginx refuses the edited file', async () => {
    await fs.writeFile(conf, upstreamBlock);
    await fs.writeFile(calls, '');
    const run = execFileAsync('sh', [script, '8081'], { env: { NGINX_CONF: conf, NGINX_REFUSES: '1', PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? ''}` } });
    await expect(run).rejects.toMatchObject({ code: 1 });
    expect(await fs.readFile(conf, 'utf8')).toBe(upstreamBlock);
    expect(await fs.readFile(calls, 'utf8')).toBe('nginx -t -q\n');
  }, 30_000);

  it('edits the file a symlinked NGINX_CONF points at, leaving the link (sites-enabled -> sites-available)', async () => {
    const target = path.join(dir, 'sites-available.conf');
    const link = path.join(dir, 'sites-enabled.conf');
    await fs.writeFile(target, upstreamBlock);
    await fs.rm(link, { force: true });
    await fs.symlink(target, link);
    await execFileAsync('sh', [script, '8081'], { env: { NGINX_CONF: link, PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? ''}` } });
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fs.readFile(target, 'utf8')).toBe(upstreamBlock);
  }, 30_000);

  it('leaves nginx alone without NGINX_CONF, waiting out its fail_timeout after each instance', async () => {
    const started = Date.now();
    const seen = await run({ NGINX_FAIL_TIMEOUT: '1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(seen.filter((line) => line.startsWith('nginx'))).toEqual([]);
    expect(seen).toContain('systemctl restart shutterlock@8082');
  }, 30_000);
});
