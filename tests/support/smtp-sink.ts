/**
 * A real SMTP server on 127.0.0.1 for tests (the `smtp-server` package): it
 * offers STARTTLS with a test certificate, accepts every message and keeps
 * it, noting whether the session was encrypted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { createSelfSignedCertificate } from '@palisade/server';
import { freeTcpPort } from './ports.ts';

export interface ReceivedMail {
  readonly to: string[];
  readonly raw: string;
  readonly secure: boolean;
}

export interface SmtpSink {
  readonly port: number;
  /** PEM file of the test certificate (the CA a client must trust). */
  readonly caFile: string;
  readonly received: ReceivedMail[];
  /** The next message to `to` after `since` messages, waiting up to 10 s. */
  next(to: string, since?: number): Promise<ReceivedMail>;
  stop(): Promise<void>;
}

export async function startSmtpSink(dir: string): Promise<SmtpSink> {
  const pem = createSelfSignedCertificate(['127.0.0.1']);
  const caFile = join(dir, 'smtp-ca.pem');
  writeFileSync(caFile, pem.certPem);
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    key: pem.keyPem,
    cert: pem.certPem,
    authOptional: true,
    disabledCommands: ['AUTH'],
    banner: 'palisade test sink',
    size: 1_000_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
        });
        callback();
      });
    },
  });
  const port = await freeTcpPort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    caFile,
    received,
    async next(to, since = 0) {
      for (let i = 0; i < 200; i++) {
        const hit = received.slice(since).find((m) => m.to.includes(to));
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no mail to ${to} within 10 s`);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The body of a plain-text message, quoted-printable undone. */
export function mailText(m: ReceivedMail): string {
  const body = m.raw.slice(Math.max(0, m.raw.search(/\r?\n\r?\n/)));
  return body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}
