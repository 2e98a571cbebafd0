/**
 * Password changes and resets under the tenant's policy (PRODUCT §C3). A
 * change revokes the user's other sessions; a reset (by an e-mailed
 * single-use link, 30 minutes) revokes all of them and unlocks the account.
 */
import { PalisadeError, type Clock } from '@palisade/common';
import type { AuditTrail } from '../../audit/audit-trail.ts';
import type { Account, AccountDirectory } from '../../ports/account-directory.ts';
import type { MailSender } from '../../ports/message-senders.ts';
import { resetMail } from '../../mfa/mail-templates.ts';
import type { OneTimeCodeService } from '../../mfa/one-time-code-service.ts';
import { checkPassword } from '../password-policy/password-checker.ts';
import { PASSWORD_POLICY_PRESETS } from '../password-policy/password-policy.ts';
import type { LoginThrottle } from '../login/login-throttle.ts';
import { accountKeyOf } from '../login/login-throttle.ts';
import type { SessionService } from '../session/session-service.ts';
import { hashPassword, verifyPassword } from './password-hasher.ts';

export const RESET_LINK_MS = 30 * 60_000;

export interface PasswordServiceDeps {
  readonly directory: AccountDirectory;
  readonly sessions: SessionService;
  readonly codes: OneTimeCodeService;
  readonly throttle: LoginThrottle;
  readonly mailer: MailSender | null;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  readonly publicUrl: () => string;
  readonly productName: string;
}

export class PasswordService {
  readonly #d: PasswordServiceDeps;

  constructor(deps: PasswordServiceDeps) {
    this.#d = deps;
  }

  /** Every problem of `password` for this account under its tenant's policy, in plain words. */
  async problems(account: Account, password: string): Promise<string[]> {
    const settings = await this.#d.directory.settings(account.tenantId);
    const access = await this.#d.directory.access(account.id);
    const policy = PASSWORD_POLICY_PRESETS[settings.passwordPreset];
    const found = await checkPassword(password, policy, {
      username: account.username,
      extension: account.extension,
      displayName: account.displayName,
      tenant: settings.tenantName,
      ...(account.email ? { email: account.email } : {}),
      mfaEnforced: access.mfaRequired,
    });
    return found.map((p) => p.message);
  }

  /** Sets a new password after the policy check; the caller proved who it is (re-authentication or reset link). */
  async set(account: Account, password: string, keepSessionId?: string): Promise<void> {
    const problems = await this.problems(account, password);
    // A change that keeps the same password would restart an expired one's age.
    if (problems.length === 0 && (await verifyPassword(password, account.passwordHash)).ok)
      problems.push('The new password must differ from the current one.');
    if (problems.length > 0)
      throw new PalisadeError('validation_failed', `password: ${problems.join(' ')}`, {
        details: { field: 'password', problems },
      });
    await this.#d.directory.setPasswordHash(
      account.id,
      await hashPassword(password),
      this.#d.clock.now(),
    );
    await this.#d.sessions.revokeAllOfUser(account.id, 'password changed', keepSessionId);
  }

  /** Mails a reset link when the account exists and has an address; answers the same either way. */
  async requestReset(username: string, tenantDomain: string | null): Promise<void> {
    const account = await this.#d.directory.findForLogin(username, tenantDomain);
    if (!account || !account.active || !account.email || !this.#d.mailer) return;
    const token = await this.#d.codes.issueLink(
      'password-reset',
      { tenantId: account.tenantId, userId: account.id },
      RESET_LINK_MS,
    );
    const link = `${this.#d.publicUrl().replace(/\/$/, '')}/reset-password#token=${token}`;
    await this.#d.mailer.send(resetMail(account.email, this.#d.productName, link));
  }

  /** Uses a reset link once: new password, every session ended, failure counters cleared. */
  async completeReset(token: string, password: string): Promise<Account> {
    const row = await this.#d.codes.redeemLink('password-reset', token);
    const account = row ? await this.#d.directory.findById(row.userId) : null;
    if (!row || !account || !account.active)
      throw new PalisadeError('forbidden', 'this link is invalid, used or expired');
    await this.set(account, password);
    await this.#d.throttle.unlock(accountKeyOf(account.tenantId, account.username));
    return account;
  }
}
