import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// scripts/check-node.cjs runs first in `npm start` and `npm install`: plain CommonJS, so an old Node gets a sentence, not a bad flag.
const require = createRequire(import.meta.url);
const script = new URL('../../../scripts/check-node.cjs', import.meta.url).pathname;
const { nodeTooOld } = require(script) as { nodeTooOld(version: string): string | null };

describe('the Node version check', () => {
  it('refuses Node older than 22.12 with a sentence that names the version needed', () => {
    for (const old of ['20.20.2', 'v18.0.0', '22.11.0', '21.99.0']) expect(nodeTooOld(old)).toMatch(/needs Node\.js 22\.12 or newer/);
  });

  it('accepts 22.12 and newer', () => {
    for (const recent of ['22.12.0', '22.20.1', '23.0.0', '24.22.3', '30.1.0']) expect(nodeTooOld(recent)).toBeNull();
  });

  it('exits 0 quietly on this Node', () => {
    expect(execFileSync(process.execPath, [script], { encoding: 'utf8' })).toBe('');
  });

  it('runs first in npm start and npm install', () => {
    const { scripts } = require('../../../package.json') as { scripts: Record<string, string> };
    expect(scripts.start?.startsWith('node scripts/check-node.cjs && ')).toBe(true);
    expect(scripts.prepare?.startsWith('node scripts/check-node.cjs && ')).toBe(true);
  });
});
