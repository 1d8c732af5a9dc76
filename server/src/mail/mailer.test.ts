import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/harness.ts';
import { createMailer } from './mailer.ts';

describe('development outbox', () => {
  it('writes each message as a private .eml file and logs one line without the content', async () => {
    const outboxDir = path.join(await makeTempDir('mail'), 'outbox');
    const logged: string[] = [];
    const mailer = createMailer({ smtpUrl: undefined, from: 'Shutterlock <no-reply@localhost>', outboxDir }, { info: (line) => logged.push(line) });
    expect(mailer.kind).toBe('outbox');
    await mailer.send({ to: 'ada@example.com', subject: 'Your sign-in code', text: 'Your code is 482913.' });
    const files = (await fs.readdir(outboxDir)).filter((name) => name.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const file = path.join(outboxDir, files[0] as string);
    const raw = await fs.readFile(file, 'utf8');
    expect(raw).toContain('To: ada@example.com');
    expect(raw).toContain('Subject: Your sign-in code');
    expect(raw).toContain('482913');
    expect((await fs.stat(file)).mode & 0o077).toBe(0);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('outbox');
    expect(logged.join('')).not.toContain('482913');
    mailer.close();
  });
});
