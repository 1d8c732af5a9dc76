import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseImgproxyPath, signImgproxyPath, signOptStuff } from '@shutterlock/url-signer';
import { describe, expect, it } from 'vitest';

/** `shutterlock sign`: the URL it prints verifies with the package's signing code; the secret comes from stdin only. */

const cliEntry = path.resolve(import.meta.dirname, '..', '..', 'bin', 'shutterlock.js');

function sign(args: string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--experimental-strip-types', cliEntry, 'sign', ...args], { env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (piece: Buffer) => (stdout += piece.toString()));
    child.stderr.on('data', (piece: Buffer) => (stderr += piece.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const secretKey = `sk_${'s'.repeat(43)}`;
const publicKey = `pk_${'p'.repeat(22)}`;

describe('shutterlock sign', () => {
  it('prints an OptStuff-format URL signed with the secret from stdin', async () => {
    const { code, stdout } = await sign(['--base-url', 'https://photos.example.com', '--project', 'site', '--key', publicKey, '--operations', 'w_800,f_webp', '--source', 'vault:AAAAAAAAAAAAAAAAAAAAAA', '--expires-in', '3600'], `${secretKey}\n`);
    expect(code).toBe(0);
    const url = new URL(stdout.trim());
    expect(url.pathname).toBe('/api/v1/site/w_800,f_webp/vault:AAAAAAAAAAAAAAAAAAAAAA');
    const exp = Number(url.searchParams.get('exp'));
    expect(exp % 3600).toBe(0);
    expect(url.searchParams.get('sig')).toBe(await signOptStuff({ secretKey, operations: 'w_800,f_webp', source: 'vault:AAAAAAAAAAAAAAAAAAAAAA', expiresAt: exp }));
    expect(stdout).not.toContain(secretKey);
  });

  it('prints an imgproxy-format URL signed with key:salt from stdin', async () => {
    const { code, stdout } = await sign(['--base-url', 'https://photos.example.com', '--project', 'site', '--format', 'imgproxy', '--operations', 'rs:fill:300:400', '--source', 'https://cdn.example.com/a.jpg'], '736563726574:68656c6c6f');
    expect(code).toBe(0);
    const rest = new URL(stdout.trim()).pathname.slice('/imgproxy/site'.length);
    const parsed = parseImgproxyPath(rest);
    expect(parsed.sourceUrl).toBe('https://cdn.example.com/a.jpg');
    expect(parsed.signature).toBe(await signImgproxyPath({ key: '736563726574', salt: '68656c6c6f', path: parsed.signedPath }));
  });

  it('refuses without a secret, or with a public key as the secret', async () => {
    const base = ['--base-url', 'https://photos.example.com', '--project', 'site', '--key', publicKey, '--source', 'cdn.example.com/a.jpg'];
    expect((await sign(base, '')).stderr).toContain('standard input');
    const swapped = await sign(base, publicKey);
    expect(swapped.code).toBe(1);
    expect(swapped.stderr).toContain('public key');
  });
});
