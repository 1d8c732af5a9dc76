import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The server process imports no image decoder: sharp (libvips and its codecs) and exifr are
 * loaded only by the imaging pool's children. Checked in a fresh Node process that imports the
 * whole app, recording every module it resolves.
 */

describe('the server process', () => {
  it('loads neither sharp nor exifr when it imports the app', async () => {
    const app = fileURLToPath(new URL('../app.ts', import.meta.url));
    const capabilities = fileURLToPath(new URL('../capabilities.ts', import.meta.url));
    const script = `
      import { registerHooks } from 'node:module';
      const resolved = [];
      registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); resolved.push(result.url); return result; } });
      await import(${JSON.stringify(app)});
      await import(${JSON.stringify(capabilities)});
      console.log(JSON.stringify({ count: resolved.length, decoders: resolved.filter((url) => /node_modules\\/(sharp|exifr|@img)\\//.test(url)) }));
      process.exit(0);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
    const { count, decoders } = JSON.parse(stdout) as { count: number; decoders: string[] };
    expect(count).toBeGreaterThan(50);
    expect(decoders).toEqual([]);
  });
});
