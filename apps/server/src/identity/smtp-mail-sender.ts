/**
 * E-mail over SMTP with nodemailer: STARTTLS required (port 587) or implicit
 * TLS (465), the server certificate always validated (against the system
 * store or a configured CA), TLS 1.2 at least.
 */
import { readFileSync } from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import { PalisadeError } from '@palisade/common';
import type { MailMessage, MailSender } from '@palisade/security';

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly security: 'starttls' | 'tls';
  readonly username: string | null;
  readonly password: string | null;
  readonly from: string;
  readonly caFile: string | null;
  /** The name the certificate must carry, when it differs from `host` (e.g. 127.0.0.1 in tests). */
  readonly servername?: string;
}

export class SmtpMailSender implements MailSender {
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(s: SmtpSettings) {
    this.#from = s.from;
    this.#transport = nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: s.security === 'tls',
      requireTLS: s.security === 'starttls',
      ...(s.username ? { auth: { user: s.username, pass: s.password ?? '' } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      tls: {
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        ...(s.caFile ? { ca: readFileSync(s.caFile, 'utf8') } : {}),
        ...(s.servername ? { servername: s.servername } : {}),
      },
    });
  }

  async send(m: MailMessage): Promise<void> {
    try {
      await this.#transport.sendMail({
        from: this.#from,
        to: m.to,
        subject: m.subject,
        text: m.text,
      });
    } catch (err) {
      // The driver's message may name hosts and certificates: keep it as the cause only.
      throw new PalisadeError('unavailable', 'the e-mail could not be sent; try again later', {
        cause: err,
      });
    }
  }

  close(): void {
    this.#transport.close();
  }
}
