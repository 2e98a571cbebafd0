/**
 * Web login (PRODUCT §C2–§C5): password, then the steps still missing
 * (new-network confirmation, second factor), then an active session.
 *
 * No user enumeration: an unknown tenant or user, a disabled account and a
 * wrong password all do the same argon2id work (verifyPassword with null does
 * a dummy hash), count against the same throttle key (the name as typed) and
 * get the same answer.
 */
import { PalisadeError, type Clock } from '@palisade/common';
import type { AuditTrail } from '../../audit/audit-trail.ts';
import { escapeControl } from '../../audit/escape-control.ts';
import type { Account, AccountDirectory } from '../../ports/account-directory.ts';
import type { KnownNetworkRepository } from '../../ports/known-network-repository.ts';
import type { MailSender, SmsSender } from '../../ports/message-senders.ts';
import type { SessionKind, WebSession } from '../../ports/web-session-repository.ts';
import { codeMail, locationMail, unlockMail } from '../../mfa/mail-templates.ts';
import type { MfaFactorService } from '../../mfa/factors/mfa-factor-service.ts';
import type { OneTimeCodeService } from '../../mfa/one-time-code-service.ts';
import type { PasskeyService } from '../../mfa/passkey/passkey-service.ts';
import { hashPassword, verifyPassword } from '../password/password-hasher.ts';
import { PASSWORD_POLICY_PRESETS } from '../password-policy/password-policy.ts';
import type { IssuedSession, SessionService } from '../session/session-service.ts';
import {
  accountKeyOf,
  throttleFor,
  type LoginThrottle,
  type ThrottlePolicy,
} from './login-throttle.ts';
import { networkPrefix } from './network-prefix.ts';
import { ssoFailure } from '../../sso/sso-failure.ts';
import type { SsoLocalLoginGate } from '../../sso/sso-local-login-gate.ts';
import type { LocalLoginDecision } from '../../sso/sso-local-login-policy.ts';
import type { SprayingDetector } from './spraying-detector.ts';

export type MfaMethod = 'totp' | 'recovery' | 'email' | 'sms' | 'passkey';

export interface Remote {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly userAgent?: string;
}

export interface LoginInput extends Remote {
  readonly username: string;
  readonly tenantDomain: string | null;
  readonly password: string;
  readonly kind: SessionKind;
}

export type LoginOutcome =
  | { readonly status: 'active'; readonly issued: IssuedSession }
  | {
      readonly status: 'pending';
      readonly stage: 'mfa' | 'location';
      readonly issued: IssuedSession;
      readonly methods: readonly MfaMethod[];
    };

export interface LoginOptions {
  /** Base URL for links in e-mails. */
  readonly publicUrl: () => string;
  readonly productName: string;
  readonly knownNetworkMs: number;
  readonly ipv4PrefixBits: number;
  readonly ipv6PrefixBits: number;
  readonly unlockLinkMs: number;
  /** Second-factor guesses: per (user, address). */
  readonly mfaThrottle: ThrottlePolicy;
}

export interface LoginDeps {
  readonly directory: AccountDirectory;
  readonly sessions: SessionService;
  readonly throttle: LoginThrottle;
  readonly spraying: SprayingDetector;
  readonly factors: MfaFactorService;
  readonly codes: OneTimeCodeService;
  readonly passkeys: PasskeyService | null;
  readonly knownNetworks: KnownNetworkRepository;
  readonly mailer: MailSender | null;
  readonly sms: SmsSender | null;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  readonly options: LoginOptions;
  /** "SSO only" accounts (PRODUCT §C6): whether the local password may be used at all. */
  readonly localLogin?: SsoLocalLoginGate;
}

const WRONG = 'wrong user name or password';

export class LoginService {
  readonly #d: LoginDeps;

  constructor(deps: LoginDeps) {
    this.#d = deps;
  }

  async #throttlePolicy(tenantId: string | null): Promise<ThrottlePolicy> {
    const preset = tenantId
      ? (await this.#d.directory.settings(tenantId)).passwordPreset
      : 'standards';
    return throttleFor(PASSWORD_POLICY_PRESETS[preset].lockout);
  }

  async #record(
    action: string,
    outcome: 'success' | 'failure' | 'denied',
    r: Remote,
    who: { tenantId?: string | null; userId?: string | null; username?: string },
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    await this.#d.audit.record({
      actor: who.userId ? `user:${who.userId}` : 'anonymous',
      action,
      outcome,
      tenantId: who.tenantId ?? null,
      target: who.userId ? `user:${who.userId}` : null,
      remoteAddress: r.remoteAddress,
      remotePort: r.remotePort,
      detail: {
        method: 'password',
        ...(who.username !== undefined ? { username: escapeControl(who.username) } : {}),
        ...detail,
      },
    });
  }

  accountKey(account: Pick<Account, 'tenantId' | 'username'>): string {
    return accountKeyOf(account.tenantId, account.username);
  }

  async login(input: LoginInput): Promise<LoginOutcome> {
    const tenantId = await this.#d.directory.tenantIdFor(input.tenantDomain);
    const key = accountKeyOf(tenantId ?? `?${input.tenantDomain ?? ''}`, input.username);
    const policy = await this.#throttlePolicy(tenantId);
    const who = { tenantId, username: input.username };
    try {
      await this.#d.throttle.check(key, input.remoteAddress, policy);
    } catch (err) {
      await this.#record('auth.login', 'denied', input, who, { reason: 'throttled' });
      throw err;
    }
    const account = tenantId
      ? await this.#d.directory.findForLogin(input.username, input.tenantDomain)
      : null;
    // "SSO only" (PRODUCT §C6): the local password is never checked, so it can
    // be no oracle (a right guess must not tell itself apart from a wrong one,
    // or a stale local password could be confirmed and tried at the IdP), and
    // the answer is a wrong password's. An SSO-only admin keeps the local path
    // only where the tenant allows break-glass; each such login is a security event.
    const local = account?.active ? await this.#localDecision(account) : 'sso-only';
    const ssoOnly = account?.active === true && local === 'sso-only';
    const usable = account?.active && !ssoOnly ? account.passwordHash : null;
    const verdict = await verifyPassword(input.password, usable);
    if (!verdict.ok || !account || ssoOnly) {
      const locked = await this.#d.throttle.fail(key, input.remoteAddress, policy);
      this.#d.spraying.failure(input.remoteAddress, key);
      await this.#record(
        'auth.login',
        'failure',
        input,
        { ...who, userId: account?.id ?? null },
        ssoOnly ? { reason: 'sso-only', area: input.kind } : { reason: 'bad-credentials' },
      );
      if (locked.lockedKey || locked.lockedAccount) {
        await this.#record(
          'auth.lock',
          'success',
          input,
          { ...who, userId: account?.id ?? null },
          {
            scope: locked.lockedAccount ? 'account' : 'address',
          },
        );
      }
      // Any lock mails the owner an unlock link, in the background: the answer
      // must neither wait for nor reveal a mail to a known account.
      if ((locked.lockedKey || locked.lockedAccount) && account)
        void this.#sendUnlockLink(account).catch(() =>
          this.#record('auth.unlock-mail', 'failure', input, {
            tenantId,
            userId: account.id,
          }).catch(() => undefined),
        );
      throw new PalisadeError('unauthenticated', WRONG);
    }
    await this.#d.throttle.succeed(key, input.remoteAddress);
    if (verdict.needsRehash) {
      await this.#d.directory.setPasswordHash(account.id, await hashPassword(input.password));
      await this.#record('auth.password-rehash', 'success', input, {
        tenantId,
        userId: account.id,
      });
    }
    const access = await this.#d.directory.access(account.id);
    if (input.kind === 'console' && !access.isAdmin) {
      await this.#record(
        'auth.login',
        'denied',
        input,
        { tenantId, userId: account.id },
        { reason: 'no console access' },
      );
      throw new PalisadeError('forbidden', 'this account has no console access; use the user app');
    }
    const stage = await this.#firstStage(account, input.remoteAddress);
    const issued = await this.#d.sessions.start({
      tenantId: account.tenantId,
      userId: account.id,
      kind: input.kind,
      stage: stage.stage,
      mustEnrolMfa: stage.mustEnrol,
      remoteAddress: input.remoteAddress,
      userAgent: input.userAgent ?? '',
    });
    if (stage.stage === 'location') await this.#sendLocationLink(account, issued.session);
    await this.#record(
      'auth.login',
      'success',
      input,
      { tenantId, userId: account.id },
      {
        stage: stage.stage,
        session: issued.session.id,
        area: input.kind,
        ...(local === 'break-glass' ? { breakGlass: true } : {}),
      },
    );
    if (local === 'break-glass')
      await this.#record(
        'auth.break-glass',
        'success',
        input,
        { tenantId, userId: account.id },
        { area: input.kind, stage: stage.stage, session: issued.session.id },
      );
    if (stage.stage === 'active') {
      await this.#rememberNetwork(account.id, input.remoteAddress);
      return { status: 'active', issued };
    }
    return { status: 'pending', stage: stage.stage, issued, methods: stage.methods };
  }

  /**
   * The session step of a single sign-on (OIDC or LDAP, PRODUCT §C6): the
   * identity was established and linked by the SSO code. The same stages as
   * a password login follow (new network, second factor), except that a
   * second factor the IdP asserted and the tenant trusts (`idpMfaEvidence`)
   * counts as Palisade's own.
   */
  async completeSsoLogin(input: {
    readonly tenantId: string;
    readonly userId: string;
    readonly kind: SessionKind;
    readonly method: 'oidc' | 'ldap';
    readonly providerId: string;
    readonly idpMfaEvidence: string | null;
    readonly remote: Remote;
  }): Promise<LoginOutcome> {
    const r = input.remote;
    const account = await this.#d.directory.findById(input.userId);
    if (!account || !account.active || account.tenantId !== input.tenantId)
      throw new PalisadeError('unauthenticated', 'this account cannot sign in');
    const who = { tenantId: account.tenantId, userId: account.id };
    const via = { method: input.method, providerId: input.providerId, area: input.kind };
    const access = await this.#d.directory.access(account.id);
    if (input.kind === 'console' && !access.isAdmin) {
      await this.#record('auth.login', 'denied', r, who, { ...via, reason: 'no console access' });
      throw ssoFailure('no-console-access');
    }
    let stage = await this.#firstStage(account, r.remoteAddress);
    if (input.idpMfaEvidence !== null && stage.stage === 'mfa')
      stage = { stage: 'active', mustEnrol: false, methods: [] };
    else if (input.idpMfaEvidence !== null) stage = { ...stage, mustEnrol: false };
    const issued = await this.#d.sessions.start({
      tenantId: account.tenantId,
      userId: account.id,
      kind: input.kind,
      stage: stage.stage,
      mustEnrolMfa: stage.mustEnrol,
      remoteAddress: r.remoteAddress,
      userAgent: r.userAgent ?? '',
    });
    if (stage.stage === 'location') await this.#sendLocationLink(account, issued.session);
    await this.#record('auth.login', 'success', r, who, {
      ...via,
      stage: stage.stage,
      session: issued.session.id,
      ...(input.idpMfaEvidence ? { mfa: input.idpMfaEvidence } : {}),
    });
    if (stage.stage === 'active') {
      await this.#rememberNetwork(account.id, r.remoteAddress);
      return { status: 'active', issued };
    }
    return { status: 'pending', stage: stage.stage, issued, methods: stage.methods };
  }

  async #localDecision(account: Account): Promise<LocalLoginDecision> {
    if (!this.#d.localLogin) return 'allowed';
    const access = await this.#d.directory.access(account.id);
    return this.#d.localLogin.decide({
      id: account.id,
      tenantId: account.tenantId,
      isAdmin: access.isAdmin || account.isSuperAdmin,
    });
  }

  async #methods(account: Account): Promise<MfaMethod[]> {
    const factors = await this.#d.factors.list(account.id);
    const m: MfaMethod[] = [];
    if (factors.some((f) => f.kind === 'totp' && f.confirmed)) m.push('totp');
    if (this.#d.passkeys && factors.some((f) => f.kind === 'passkey')) m.push('passkey');
    if (m.length > 0 && factors.some((f) => f.kind === 'recovery' && f.lastUsedAt === null))
      m.push('recovery');
    return m;
  }

  async #mfaStep(
    account: Account,
  ): Promise<{ needed: boolean; mustEnrol: boolean; methods: MfaMethod[] }> {
    const access = await this.#d.directory.access(account.id);
    const methods = await this.#methods(account);
    const strong = methods.includes('totp') || methods.includes('passkey');
    if (!strong && !access.mfaRequired) return { needed: false, mustEnrol: false, methods: [] };
    if (account.email && this.#d.mailer) methods.push('email');
    if (account.mobile && this.#d.sms) methods.push('sms');
    // Required but nothing enrolled: a code by e-mail or SMS if possible, then enrolment is forced.
    return { needed: methods.length > 0, mustEnrol: !strong, methods };
  }

  async #firstStage(
    account: Account,
    address: string,
  ): Promise<{ stage: 'location' | 'mfa' | 'active'; mustEnrol: boolean; methods: MfaMethod[] }> {
    const settings = await this.#d.directory.settings(account.tenantId);
    const mfa = await this.#mfaStep(account);
    if (
      settings.locationMfa &&
      account.email &&
      this.#d.mailer &&
      !(await this.#d.knownNetworks.isKnown(account.id, this.#prefix(address), this.#d.clock.now()))
    )
      return { stage: 'location', mustEnrol: mfa.mustEnrol, methods: [] };
    return { stage: mfa.needed ? 'mfa' : 'active', mustEnrol: mfa.mustEnrol, methods: mfa.methods };
  }

  #prefix(address: string): string {
    return networkPrefix(address, this.#d.options.ipv4PrefixBits, this.#d.options.ipv6PrefixBits);
  }

  async #rememberNetwork(userId: string, address: string): Promise<void> {
    const now = this.#d.clock.now();
    await this.#d.knownNetworks.remember(
      userId,
      this.#prefix(address),
      now,
      now + this.#d.options.knownNetworkMs,
    );
  }

  #link(path: string, token: string): string {
    return `${this.#d.options.publicUrl().replace(/\/$/, '')}${path}#token=${token}`;
  }

  async #sendUnlockLink(account: Account): Promise<void> {
    if (!account.email || !this.#d.mailer) return;
    const token = await this.#d.codes.issueLink(
      'unlock',
      { tenantId: account.tenantId, userId: account.id },
      this.#d.options.unlockLinkMs,
    );
    await this.#d.mailer.send(
      unlockMail(account.email, this.#d.options.productName, this.#link('/unlock', token)),
    );
  }

  async #sendLocationLink(account: Account, s: WebSession): Promise<void> {
    if (!account.email || !this.#d.mailer) return;
    const token = await this.#d.codes.issueLink(
      'location',
      { tenantId: account.tenantId, userId: account.id },
      this.#d.sessions.policy.pendingMs,
      s.id,
    );
    await this.#d.mailer.send(
      locationMail(
        account.email,
        this.#d.options.productName,
        this.#link('/confirm-location', token),
        this.#prefix(s.remoteAddress),
      ),
    );
  }

  async #pending(
    loginToken: string,
    stage: 'mfa' | 'location',
  ): Promise<{ s: WebSession; account: Account }> {
    const s = await this.#d.sessions.findPending(loginToken);
    const account = s ? await this.#d.directory.findById(s.userId) : null;
    if (!s || s.stage !== stage || !account || !account.active)
      throw new PalisadeError('unauthenticated', 'this sign-in has expired; start again');
    return { s, account };
  }

  /** Sends an e-mail or SMS code for a login waiting for its second factor. */
  async sendCode(loginToken: string, method: 'email' | 'sms', r: Remote): Promise<void> {
    const { s, account } = await this.#pending(loginToken, 'mfa');
    const who = { tenantId: account.tenantId, userId: account.id };
    if (method === 'email') {
      if (!account.email || !this.#d.mailer)
        throw new PalisadeError('conflict', 'no e-mail address to send a code to');
      const code = await this.#d.codes.issueCode('email-code', who, s.id);
      await this.#d.mailer.send(codeMail(account.email, this.#d.options.productName, code));
    } else {
      if (!account.mobile || !this.#d.sms)
        throw new PalisadeError('conflict', 'no mobile number to send a code to');
      const code = await this.#d.codes.issueCode('sms-code', who, s.id);
      await this.#d.sms.send(
        account.mobile,
        `${this.#d.options.productName} sign-in code: ${code}`,
      );
    }
    await this.#record('auth.mfa-code-sent', 'success', r, who, { method });
  }

  /** Checks a TOTP, recovery, e-mail or SMS code against the user's factors (throttled per user and address). */
  async checkFactor(
    account: Account,
    s: WebSession | null,
    method: MfaMethod,
    code: string,
    r: Remote,
  ): Promise<void> {
    const key = `mfa/${account.id}`;
    const policy = this.#d.options.mfaThrottle;
    await this.#d.throttle.check(key, r.remoteAddress, policy);
    let ok: boolean;
    let reason = 'invalid';
    switch (method) {
      case 'totp': {
        const v = await this.#d.factors.verifyTotp(account.id, code);
        ok = v === 'ok';
        reason = v;
        break;
      }
      case 'recovery':
        ok = await this.#d.factors.useRecoveryCode(account.id, code);
        break;
      case 'email':
      case 'sms':
        ok =
          s !== null &&
          (await this.#d.codes.verifyCode(
            method === 'email' ? 'email-code' : 'sms-code',
            s.id,
            code,
          ));
        break;
      case 'passkey':
        ok = false;
        reason = 'passkeys use their own ceremony';
        break;
    }
    const who = { tenantId: account.tenantId, userId: account.id };
    if (!ok) {
      await this.#d.throttle.fail(key, r.remoteAddress, policy);
      await this.#record('auth.mfa', 'failure', r, who, { method, reason });
      throw new PalisadeError('unauthenticated', 'the code is not right');
    }
    await this.#d.throttle.succeed(key, r.remoteAddress);
    await this.#record('auth.mfa', 'success', r, who, { method });
  }

  /** Second factor of a waiting login: on success the session becomes active with a new token. */
  async secondFactor(
    loginToken: string,
    method: MfaMethod,
    code: string,
    r: Remote,
  ): Promise<IssuedSession> {
    const { s, account } = await this.#pending(loginToken, 'mfa');
    await this.checkFactor(account, s, method, code, r);
    return this.completeMfa(s, account, r);
  }

  /** WebAuthn request options for a login waiting for its second factor. */
  async passkeyOptions(loginToken: string): Promise<Record<string, unknown>> {
    const { s, account } = await this.#pending(loginToken, 'mfa');
    if (!this.#d.passkeys) throw new PalisadeError('conflict', 'passkeys are not enabled');
    return this.#d.passkeys.loginOptions(account.id, s.id);
  }

  /** Completes a waiting login with a passkey assertion (throttled like codes). */
  async passkeyLogin(loginToken: string, response: unknown, r: Remote): Promise<IssuedSession> {
    const { s, account } = await this.#pending(loginToken, 'mfa');
    if (!this.#d.passkeys) throw new PalisadeError('conflict', 'passkeys are not enabled');
    const key = `mfa/${account.id}`;
    const policy = this.#d.options.mfaThrottle;
    await this.#d.throttle.check(key, r.remoteAddress, policy);
    const result = await this.#d.passkeys.verifyLogin(account.id, s.id, response);
    const who = { tenantId: account.tenantId, userId: account.id };
    if (result !== 'ok') {
      await this.#d.throttle.fail(key, r.remoteAddress, policy);
      await this.#record('auth.mfa', 'failure', r, who, { method: 'passkey', reason: result });
      if (result === 'counter-regression')
        await this.#record('auth.passkey-counter-regression', 'denied', r, who, {
          method: 'passkey',
        });
      throw new PalisadeError('unauthenticated', 'the passkey was not accepted');
    }
    await this.#d.throttle.succeed(key, r.remoteAddress);
    await this.#record('auth.mfa', 'success', r, who, { method: 'passkey' });
    return this.completeMfa(s, account, r);
  }

  /** The waiting login passed its second factor (by code or passkey). */
  async completeMfa(s: WebSession, account: Account, r: Remote): Promise<IssuedSession> {
    const strong = await this.#d.factors.hasStrongFactor(account.id);
    const issued = await this.#d.sessions.advance(s, 'active', s.mustEnrolMfa && !strong);
    if (!issued)
      throw new PalisadeError('unauthenticated', 'this sign-in has expired; start again');
    await this.#rememberNetwork(account.id, s.remoteAddress);
    await this.#record(
      'auth.session-start',
      'success',
      r,
      { tenantId: account.tenantId, userId: account.id },
      { session: s.id },
    );
    return issued;
  }

  /** The e-mailed new-network link: remembers the network; the waiting login can then continue. */
  async confirmLocation(token: string, r: Remote): Promise<void> {
    const row = await this.#d.codes.redeemLink('location', token);
    const s = row?.boundTo ? await this.#d.sessions.findById(row.boundTo) : null;
    if (!row || !s) {
      await this.#record(
        'auth.location-confirm',
        'failure',
        r,
        {},
        { reason: 'invalid or used link' },
      );
      throw new PalisadeError('forbidden', 'this link is invalid, used or expired');
    }
    await this.#rememberNetwork(row.userId, s.remoteAddress);
    await this.#record(
      'auth.location-confirm',
      'success',
      r,
      { tenantId: row.tenantId, userId: row.userId },
      {
        network: this.#prefix(s.remoteAddress),
      },
    );
  }

  /** A login held for its network: continues once the link was used (second factor next, if any). */
  async continueAfterLocation(loginToken: string, r: Remote): Promise<LoginOutcome> {
    const { s, account } = await this.#pending(loginToken, 'location');
    if (
      !(await this.#d.knownNetworks.isKnown(
        account.id,
        this.#prefix(s.remoteAddress),
        this.#d.clock.now(),
      ))
    )
      throw new PalisadeError('forbidden', 'confirm this sign-in with the link we e-mailed first');
    const mfa = await this.#mfaStep(account);
    const issued = await this.#d.sessions.advance(s, mfa.needed ? 'mfa' : 'active', mfa.mustEnrol);
    if (!issued)
      throw new PalisadeError('unauthenticated', 'this sign-in has expired; start again');
    if (!mfa.needed) {
      await this.#record(
        'auth.session-start',
        'success',
        r,
        { tenantId: account.tenantId, userId: account.id },
        { session: s.id },
      );
      return { status: 'active', issued };
    }
    return { status: 'pending', stage: 'mfa', issued, methods: mfa.methods };
  }

  /**
   * What can confirm it is this session's user before a security change:
   * the local password (not for an "SSO only" account, unless break-glass
   * applies; not when there is none), and whether a second-factor code is
   * asked beside it.
   */
  async reauthOptions(
    s: WebSession,
  ): Promise<{ password: boolean; ssoOnly: boolean; factor: boolean }> {
    const account = await this.#d.directory.findById(s.userId);
    if (!account?.active) throw new PalisadeError('unauthenticated', 'authentication required');
    const local = await this.#localDecision(account);
    return {
      password: local !== 'sso-only' && account.passwordHash !== null,
      ssoOnly: local !== 'allowed',
      factor: await this.#d.factors.hasStrongFactor(account.id),
    };
  }

  /**
   * Re-authentication of an active session before a security change:
   * password, and a code when the user has a factor. An "SSO only" account's
   * password is never checked (like at login: the same answer as a wrong
   * one, so no oracle), unless break-glass applies to an admin.
   */
  async reauthenticate(
    s: WebSession,
    input: { password: string; method?: MfaMethod; code?: string },
    r: Remote,
  ): Promise<void> {
    const account = await this.#d.directory.findById(s.userId);
    if (!account) throw new PalisadeError('unauthenticated', 'authentication required');
    const who = { tenantId: account.tenantId, userId: account.id };
    const key = this.accountKey(account);
    const policy = await this.#throttlePolicy(account.tenantId);
    await this.#d.throttle.check(key, r.remoteAddress, policy);
    const local = account.active ? await this.#localDecision(account) : 'sso-only';
    const usable = account.active && local !== 'sso-only' ? account.passwordHash : null;
    const v = await verifyPassword(input.password, usable);
    if (!v.ok || local === 'sso-only') {
      await this.#d.throttle.fail(key, r.remoteAddress, policy);
      await this.#record('auth.reauth', 'failure', r, who, {
        reason: account.active && local === 'sso-only' ? 'sso-only' : 'bad-credentials',
        session: s.id,
      });
      throw new PalisadeError('unauthenticated', 'the password is not right');
    }
    await this.#reauthFactor(account, s, input, null, r, 'password');
    await this.#d.throttle.succeed(key, r.remoteAddress);
    await this.#d.sessions.markReauthenticated(s);
    const breakGlass = local === 'break-glass' ? { breakGlass: true } : {};
    await this.#record('auth.reauth', 'success', r, who, { session: s.id, ...breakGlass });
    if (local === 'break-glass')
      await this.#record('auth.break-glass', 'success', r, who, {
        step: 'reauth',
        area: s.kind,
        session: s.id,
      });
  }

  /**
   * Re-authentication through single sign-on: the IdP (`oidc`) or the
   * directory (`ldap`) confirmed, at `verifiedAt`, an identity linked to
   * this session's user. A second factor the IdP asserted and the tenant
   * trusts (`idpMfaEvidence`) counts as Palisade's own; otherwise a user
   * with a factor gives a code, as in the password re-authentication. A
   * proof is worth one re-authentication: once the session re-authenticated
   * at or after `verifiedAt`, it is refused as replayed.
   */
  async completeSsoReauth(
    s: WebSession,
    input: {
      readonly method: 'oidc' | 'ldap';
      readonly providerId: string;
      readonly verifiedAt: number;
      readonly idpMfaEvidence: string | null;
      readonly factor?: { readonly method?: MfaMethod; readonly code?: string };
    },
    r: Remote,
  ): Promise<void> {
    const account = await this.#d.directory.findById(s.userId);
    if (!account?.active) throw new PalisadeError('unauthenticated', 'authentication required');
    const who = { tenantId: account.tenantId, userId: account.id };
    const via = { method: input.method, providerId: input.providerId, session: s.id };
    if (s.authenticatedAt >= input.verifiedAt) {
      await this.#record('auth.reauth', 'failure', r, who, { ...via, reason: 'replayed' });
      throw ssoFailure('replayed');
    }
    const factor = await this.#reauthFactor(
      account,
      s,
      input.factor ?? {},
      input.idpMfaEvidence,
      r,
      input.method,
    );
    await this.#d.sessions.markReauthenticated(s);
    await this.#record('auth.reauth', 'success', r, who, {
      ...via,
      ...(input.idpMfaEvidence ? { mfa: input.idpMfaEvidence } : factor ? { mfa: factor } : {}),
    });
  }

  /**
   * The second factor of a re-authentication, when the user has one and the
   * IdP's (trusted) factor does not count: the method used, or null when
   * none was asked. A missing code is a validation error (the form asks for
   * it); a wrong one is audited as a failed re-authentication.
   */
  async #reauthFactor(
    account: Account,
    s: WebSession,
    input: { readonly method?: MfaMethod; readonly code?: string },
    idpMfaEvidence: string | null,
    r: Remote,
    via: 'password' | 'oidc' | 'ldap',
  ): Promise<MfaMethod | null> {
    if (idpMfaEvidence !== null || !(await this.#d.factors.hasStrongFactor(account.id)))
      return null;
    if (!input.method || !input.code)
      throw new PalisadeError('validation_failed', 'a second-factor code is needed too', {
        details: { field: 'code' },
      });
    try {
      await this.checkFactor(account, s, input.method, input.code, r);
    } catch (err) {
      await this.#record(
        'auth.reauth',
        'failure',
        r,
        { tenantId: account.tenantId, userId: account.id },
        { method: via, reason: 'second-factor', factor: input.method, session: s.id },
      );
      throw err;
    }
    return input.method;
  }

  /** Admin unlock or unlock link: clears every failure counter of the account. */
  async unlock(account: Account): Promise<number> {
    return this.#d.throttle.unlock(this.accountKey(account));
  }

  async unlockByLink(token: string, r: Remote): Promise<void> {
    const row = await this.#d.codes.redeemLink('unlock', token);
    const account = row ? await this.#d.directory.findById(row.userId) : null;
    if (!row || !account) {
      await this.#record('auth.unlock', 'failure', r, {}, { reason: 'invalid or used link' });
      throw new PalisadeError('forbidden', 'this link is invalid, used or expired');
    }
    await this.unlock(account);
    await this.#record(
      'auth.unlock',
      'success',
      r,
      { tenantId: account.tenantId, userId: account.id },
      { by: 'link' },
    );
  }
}
