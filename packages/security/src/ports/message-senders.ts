/** Outbound messages for codes and links: e-mail (SMTP adapter) and SMS (provider adapter). */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export interface MailSender {
  send(message: MailMessage): Promise<void>;
}

export interface SmsSender {
  send(to: string, text: string): Promise<void>;
}

/** Reports a source address that fails logins across many accounts (for the intrusion detector). */
export interface SprayingReporter {
  report(signal: {
    readonly address: string;
    readonly distinctAccounts: number;
    readonly at: number;
  }): void;
}
