import fs from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { generate } from 'selfsigned';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { createDelivery } from '../../test/deliveries.ts';
import { type TestServer, makeTempDir, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { uploaded } from '../../test/vault.ts';

/**
 * The mail path for real: the server sends through nodemailer to an SMTP server on loopback
 * (the smtp-server package) that offers STARTTLS with its own certificate (trusted through
 * SMTP_CA_FILE) and refuses authentication before TLS. What arrives is read back as a mail
 * client would: both parts of every client email, branded, with the one secret it is for and
 * no other.
 */

interface Received {
  from: string;
  to: string[];
  secure: boolean;
  user: string | undefined;
  raw: string;
  parsed: ParsedMail;
}

const USER = 'shutterlock';
const PASSWORD = 'correct horse battery staple';

describe('client emails through a real SMTP server (STARTTLS, AUTH)', () => {
  let smtp: SMTPServer;
  let server: TestServer;
  let photographer: TestClient;
  const received: Received[] = [];
  let refusedAuth = 0;

  async function mailsTo(to: string, count: number): Promise<Received[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = received.filter((mail) => mail.to.includes(to));
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`${found.length} of ${count} messages to ${to}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
    });
    const dir = await makeTempDir('smtp');
    const caFile = path.join(dir, 'smtp-ca.pem');
    await fs.writeFile(caFile, pems.cert);
    smtp = new SMTPServer({
      key: pems.private,
      cert: pems.cert,
      authMethods: ['PLAIN', 'LOGIN'],
      // AUTH only after STARTTLS (smtp-server's default), and never without it.
      allowInsecureAuth: false,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === USER && auth.password === PASSWORD) return callback(null, { user: USER });
        refusedAuth += 1;
        return callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          void simpleParser(raw, { keepCidLinks: true }).then((parsed) => {
            received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              secure: session.secure,
              user: session.user as string | undefined,
              raw,
              parsed,
            });
            callback();
          }, callback);
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    server = await startTestServer({
      env: {
        TRUST_PROXY: 'true',
        SMTP_URL: `smtp://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/?requireTLS=true`,
        SMTP_CA_FILE: caFile,
        MAIL_FROM: 'Shutterlock <deliveries@shutterlock.test>',
      },
    });
    expect(server.runtime.mailer.kind).toBe('smtp');
    // Signing in works through the same SMTP path: the code is read from what arrived.
    const account = await createAccount(server, 'photographer', 'smtp');
    photographer = new TestClient(server, { ip: '10.77.0.1' });
    expect((await photographer.json('POST', '/api/auth/sign-in/code', { email: account.email })).status).toBe(202);
    const [codeMail] = await mailsTo(account.email, 1);
    const code = /sign-in code is (\d{6})/.exec(codeMail?.parsed.text ?? '')?.[1];
    expect((await photographer.json('POST', '/api/auth/sign-in/verify', { email: account.email, code })).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  });

  it('delivers the link and the code as two branded messages, each with an HTML and a text part, over STARTTLS with AUTH', async () => {
    await photographer.json('PATCH', '/api/studio/branding', {
      name: 'Lumen <Weddings> & Co',
      accentColor: '#aa3366',
      contactEmail: 'hello@lumen.example',
      contactPhone: '+44 20 7946 0000',
      website: 'https://lumen.example',
      signature: 'With love,\nAda',
    });
    const logo = await photo('png', { width: 300, height: 100 });
    expect((await photographer.request('PUT', '/api/studio/branding/logo', logo, { 'content-type': 'image/png' })).status).toBe(200);
    const file = await uploaded(photographer, await photo('jpeg', { width: 200, height: 150 }), { name: 'smtp.jpg' });
    const to = 'couple@example.com';
    const { access, token } = await createDelivery(photographer, { title: 'Our <wedding>', message: 'Enjoy!\nAda', fileIds: [file.id], recipients: [to] });
    const mails = await mailsTo(to, 2);
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      expect(mail.secure, 'sent over TLS (STARTTLS)').toBe(true);
      expect(mail.user).toBe(USER);
      expect(mail.from).toBe('deliveries@shutterlock.test');
      const { parsed } = mail;
      expect(parsed.text, 'a text part').toBeTruthy();
      expect(typeof parsed.html === 'string' && parsed.html.length > 0, 'an HTML part').toBe(true);
      const html = parsed.html as string;
      // Branded, in both parts: the name (escaped in HTML, never an email address as the name), contact, signature.
      expect(parsed.text).toContain('Lumen <Weddings> & Co');
      expect(html).toContain('Lumen &#60;Weddings&#62; &#38; Co');
      expect(html).not.toContain('<Weddings>');
      expect(html).toContain('#aa3366');
      for (const part of [parsed.text as string, html]) {
        expect(part).toContain('hello@lumen.example');
        expect(part).toContain('With love,');
      }
      // The logo travels inside the message, shown by cid: nothing is fetched from anywhere.
      const inline = parsed.attachments.find((attachment) => attachment.contentType === 'image/png');
      expect(inline?.cid).toBeTruthy();
      expect(html).toContain(`cid:${inline?.cid}`);
      expect(html).not.toMatch(/<img[^>]+src="https?:/);
      // No secret but its own: never the SMTP password, never the other secret.
      expect(mail.raw).not.toContain(PASSWORD);
      expect(parsed.subject).not.toContain(access.code);
      expect(parsed.subject).not.toContain(token);
    }
    const link = mails.find((mail) => mail.parsed.text?.includes(token)) as Received;
    const code = mails.find((mail) => mail.parsed.text?.includes(access.code)) as Received;
    expect(link).toBeTruthy();
    expect(code).toBeTruthy();
    expect(link).not.toBe(code);
    expect(link.parsed.html).toContain(`href="${access.url}"`);
    expect(link.parsed.html).toContain('Our &#60;wedding&#62;');
    expect(link.raw).not.toContain(access.code);
    expect(code.raw).not.toContain(token);
    expect(code.parsed.html).toContain(access.code);
    expect(refusedAuth).toBe(0);
  });
});
