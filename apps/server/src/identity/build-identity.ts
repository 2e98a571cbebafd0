/**
 * Builds the identity services (issue 5) from the store, the audit trail and
 * the configuration: sessions, login with throttling, second factors, codes
 * and links, password changes, the origin policy and the call-class port.
 */
import type { Clock, Logger, SecurityEventSink } from '@palisade/common';
import { originPolicy, type IdentityServices } from '@palisade/api';
import {
  DEFAULT_SESSION_POLICY,
  DEFAULT_SPRAYING_OPTIONS,
  DEFAULT_THROTTLE_POLICY,
  GroupCallClassAuthorizer,
  LoginService,
  LoginThrottle,
  MfaFactorService,
  OneTimeCodeService,
  PasskeyService,
  PasswordService,
  SecretBox,
  SessionService,
  SprayingDetector,
  type AuditTrail,
  type CallClassAuthorizer,
  type MailSender,
  type SmsSender,
  SsoLocalLoginGate,
} from '@palisade/security';
import type { Store } from '@palisade/store';
import QRCode from 'qrcode';
import type { PalisadeConfig } from '../config/schema.ts';
import { PbxAccountDirectory } from './account-directory-adapter.ts';
import { TenantIdentitySettings } from './identity-settings-store.ts';
import { PublicUrl } from './public-url.ts';
import { SimpleWebAuthnVerifier } from './simplewebauthn-verifier.ts';
import { SmtpMailSender } from './smtp-mail-sender.ts';
import { WebhookSmsSender } from './webhook-sms-sender.ts';

export interface Identity extends IdentityServices {
  readonly canCall: CallClassAuthorizer;
  readonly publicUrl: PublicUrl;
  readonly mailer: MailSender | null;
  close(): void;
}

const MINUTE = 60_000;

export function buildIdentity(input: {
  config: PalisadeConfig;
  store: Store;
  audit: AuditTrail;
  clock: Clock;
  logger: Logger;
  events: SecurityEventSink;
  defaultTenantId: string;
  publicUrl: string;
  /** Seals TOTP seeds at rest (see secrets/master-key.ts). */
  masterKey: Uint8Array;
}): Identity {
  const { config, store, audit, clock } = input;
  const c = config.identity;
  const publicUrl = new PublicUrl(input.publicUrl);
  const settings = new TenantIdentitySettings(store.tenantSettings);
  const directory = new PbxAccountDirectory(store, settings, input.defaultTenantId, clock);
  const sessions = new SessionService(store.webSessions, clock, {
    console: {
      idleMs: c.consoleIdleMinutes * MINUTE,
      absoluteMs: c.consoleAbsoluteHours * 60 * MINUTE,
    },
    app: { idleMs: c.appIdleMinutes * MINUTE, absoluteMs: c.appAbsoluteHours * 60 * MINUTE },
    pendingMs: DEFAULT_SESSION_POLICY.pendingMs,
    reauthWindowMs: c.reauthMinutes * MINUTE,
  });
  const smtp =
    config.mail.host === null
      ? null
      : new SmtpMailSender({
          host: config.mail.host,
          port: config.mail.port,
          security: config.mail.security,
          username: config.mail.username,
          password: config.mail.password,
          from: config.mail.from,
          caFile: config.mail.caFile,
        });
  const sms: SmsSender | null =
    config.sms.webhookUrl === null
      ? null
      : new WebhookSmsSender(
          {
            url: config.sms.webhookUrl,
            bearerToken: config.sms.bearerToken,
            maxPerHour: config.sms.maxPerHour,
            caFile: config.sms.caFile,
          },
          clock,
        );
  const throttle = new LoginThrottle(store.loginThrottle, clock);
  const factors = new MfaFactorService(
    store.mfaFactors,
    clock,
    new SecretBox(input.masterKey, 'totp-secret'),
  );
  const codes = new OneTimeCodeService(store.oneTimeCodes, clock);
  const spraying = new SprayingDetector(
    {
      report: (signal) =>
        input.events.emit({
          type: 'auth.spraying',
          outcome: 'denied',
          remoteAddress: signal.address,
          detail: { distinctAccounts: signal.distinctAccounts },
        }),
    },
    clock,
    { ...DEFAULT_SPRAYING_OPTIONS, distinctAccounts: c.sprayingAccounts },
  );
  const passkeys = new PasskeyService(
    new SimpleWebAuthnVerifier(() => publicUrl.origin()),
    store.mfaFactors,
    clock,
  );
  const login = new LoginService({
    localLogin: new SsoLocalLoginGate(store.ssoPolicies),
    passkeys,
    directory,
    sessions,
    throttle,
    spraying,
    factors,
    codes,
    knownNetworks: store.knownNetworks,
    mailer: smtp,
    sms,
    audit,
    clock,
    options: {
      publicUrl: () => publicUrl.get(),
      productName: 'Palisade',
      knownNetworkMs: c.knownNetworkDays * 24 * 60 * MINUTE,
      ipv4PrefixBits: c.ipv4PrefixBits,
      ipv6PrefixBits: c.ipv6PrefixBits,
      unlockLinkMs: 24 * 60 * MINUTE,
      mfaThrottle: { ...DEFAULT_THROTTLE_POLICY, lockAfter: 10, lockMs: 15 * MINUTE },
    },
  });
  const passwords = new PasswordService({
    directory,
    sessions,
    codes,
    throttle,
    mailer: smtp,
    audit,
    clock,
    publicUrl: () => publicUrl.get(),
    productName: 'Palisade',
  });
  return {
    login,
    sessions,
    factors,
    passkeys,
    passwords,
    directory,
    settings,
    origins: originPolicy(
      () => [publicUrl.origin(), ...config.http.trustedDomains],
      async (tenantId) => (await settings.get(tenantId)).trustedOrigins,
    ),
    qrSvg: (text) => QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    canCall: new GroupCallClassAuthorizer(directory),
    publicUrl,
    mailer: smtp,
    close: () => smtp?.close(),
  };
}
