import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Transporter } from 'nodemailer';

/**
 * Outgoing mail: SMTP when `SMTP_URL` is set, otherwise the development outbox, where every
 * message is written as an `.eml` file under `<data dir>/outbox/` so sign-in codes and links
 * can be read without a mail server. Log lines name the recipient count and file, never the
 * content: messages carry codes and links.
 */

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

interface MailLogger {
  info(message: string): void;
}

export interface MailerOptions {
  smtpUrl: string | undefined;
  from: string;
  outboxDir: string;
}

async function writeOutboxFile(outboxDir: string, raw: Buffer): Promise<string> {
  await fs.mkdir(outboxDir, { recursive: true, mode: 0o700 });
  const name = `${new Date().toISOString().replaceAll(':', '-')}-${crypto.randomBytes(6).toString('hex')}.eml`;
  const temporary = path.join(outboxDir, `.${name}.tmp`);
  await fs.writeFile(temporary, raw, { mode: 0o600, flag: 'wx' });
  await fs.rename(temporary, path.join(outboxDir, name));
  return name;
}

type Nodemailer = (typeof import('nodemailer'))['default'];

/**
 * nodemailer (some 7 MiB of resident memory) is loaded with the first message, not at start:
 * most processes — and most hours of a server — send none.
 */
function lazyTransport(create: (nodemailer: Nodemailer) => Transporter): { get(): Promise<Transporter>; close(): void } {
  let transport: Promise<Transporter> | undefined;
  return {
    get: () => (transport ??= import('nodemailer').then((loaded) => create(loaded.default))),
    close: () => void transport?.then((opened) => opened.close(), () => undefined),
  };
}

export function createMailer(options: MailerOptions, logger: MailLogger): Mailer {
  if (options.smtpUrl) {
    const smtpUrl = options.smtpUrl;
    const transport = lazyTransport((nodemailer) => nodemailer.createTransport(smtpUrl));
    return {
      kind: 'smtp',
      async send(message) {
        await (await transport.get()).sendMail({ from: options.from, ...message });
      },
      close: () => transport.close(),
    };
  }
  const renderer = lazyTransport((nodemailer) => nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }));
  return {
    kind: 'outbox',
    async send(message) {
      const rendered = (await (await renderer.get()).sendMail({ from: options.from, ...message })) as { message: Buffer };
      const file = await writeOutboxFile(options.outboxDir, rendered.message);
      logger.info(`mail written to the development outbox: ${file}`);
    },
    close: () => renderer.close(),
  };
}
