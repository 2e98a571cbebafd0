/**
 * Builds intrusion detection and prevention for the server: the ban
 * service over the store (polled for other nodes' bans), the detector with
 * the configured policy, and what follows a ban: a security event (syslog,
 * fail2ban), an e-mail alert, the nftables set. `close` stops every timer.
 */
import { hostname } from 'node:os';
import type { Clock, Logger, SecurityEventSink, TimerHandle } from '@palisade/common';
import {
  BanService,
  IdsMetrics,
  IntrusionDetector,
  ScannerUserAgents,
  TrustedNetworks,
} from '@palisade/security';
import type { IdsKind, MailSender, RegisteredSources } from '@palisade/security';
import type { PalisadeConfig } from '../config/schema.ts';
import type { Domain } from '../domain.ts';
import { BanMailer } from './ban-mailer.ts';
import { idsPolicies } from './ids-policy-config.ts';
import { NftBanSet } from './nft-ban-set.ts';

const DAY = 24 * 60 * 60 * 1000;

/** Detector events that go to syslog one by one (the others only when a rule fires). */
const SYSLOG_KINDS: ReadonlySet<IdsKind> = new Set([
  'scanner',
  'malformed',
  'bad-destination',
  'slow-client',
  'message-flood',
]);

export interface Ids {
  readonly detector: IntrusionDetector;
  readonly bans: BanService;
  readonly metrics: IdsMetrics;
  readonly scanners: ScannerUserAgents;
  readonly nft: NftBanSet | null;
  /** The registrar's view, set once SIP runs. */
  setRegisteredSources(sources: RegisteredSources): void;
  close(): void;
}

export interface IdsInit {
  readonly config: PalisadeConfig;
  readonly domain: Domain;
  readonly events: SecurityEventSink;
  readonly mailer: MailSender | null;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Program and leading arguments for nft; default ['nft']. */
  readonly nftCommand?: readonly string[];
}

export async function buildIds(init: IdsInit): Promise<Ids> {
  const { config, domain, events, clock } = init;
  const c = config.ids;
  const logger = init.logger.child({ component: 'ids' });
  const metrics = new IdsMetrics();
  const bans = new BanService(domain.store.bans, clock, logger);
  let registered: RegisteredSources = { has: () => false };
  const detector = new IntrusionDetector({
    bans,
    clock,
    logger,
    metrics,
    trusted: new TrustedNetworks(c.trustedNetworks),
    registered: { has: (a) => registered.has(a) },
    policyFor: idsPolicies(c),
    // failed logins and digests are reported by their own modules already
    onAttempt: (source, e) => {
      if (SYSLOG_KINDS.has(e.kind))
        events.emit({
          type: `ids.${e.kind}`,
          outcome: 'failure',
          remoteAddress: source,
          ...(e.tenantId ? { tenantId: e.tenantId } : {}),
          detail: {
            service: e.service,
            ...(e.user !== undefined ? { username: e.user.slice(0, 64) } : {}),
          },
        });
    },
    onAlert: (a) =>
      events.emit({
        type: 'ids.alert',
        outcome: 'info',
        remoteAddress: a.source,
        ...(a.event.tenantId ? { tenantId: a.event.tenantId } : {}),
        detail: {
          rule: a.rule,
          service: a.event.service,
          ...(a.exempt ? { exempt: a.exempt } : {}),
        },
      }),
  });

  const nft = c.nftables ? new NftBanSet(logger, init.nftCommand) : null;
  if (nft) await nft.setup();
  const mail =
    init.mailer && c.alertEmail
      ? new BanMailer(init.mailer, detector.attempts, clock, logger, {
          to: c.alertEmail,
          intervalMs: c.alertIntervalMinutes * 60_000,
          host: hostname(),
        })
      : null;
  mail?.startDaily();

  bans.events.on('banned', (ban) => {
    metrics.inc('palisade_ids_bans_total', { origin: ban.origin, rule: ban.rule });
    // manual bans are recorded by the API/CLI through the audit trail
    if (ban.origin === 'detector')
      events.emit({
        type: 'ids.ban',
        outcome: 'denied',
        remoteAddress: ban.address,
        detail: {
          rule: ban.rule,
          offence: ban.offence,
          seconds: ban.expiresAt === null ? 0 : Math.round((ban.expiresAt - ban.createdAt) / 1000),
        },
      });
    mail?.banned(ban);
    void nft?.add(
      ban.address,
      ban.expiresAt === null ? null : (ban.expiresAt - clock.now()) / 1000,
    );
  });
  bans.events.on('unbanned', (u) => void nft?.remove(u.address));
  bans.events.on('synced', (s) => {
    if (!nft) return;
    for (const a of s.removed) void nft.remove(a);
    // bans from other nodes: read their expiry from the store
    if (s.added.length > 0)
      void bans.active().then((all) => {
        const added = new Set(s.added);
        for (const b of all)
          if (added.has(b.address))
            void nft.add(
              b.address,
              b.expiresAt === null ? null : (b.expiresAt - clock.now()) / 1000,
            );
      });
  });

  await bans.start(c.pollSeconds * 1000);
  if (nft)
    for (const b of await bans.active())
      await nft.add(b.address, b.expiresAt === null ? null : (b.expiresAt - clock.now()) / 1000);

  // rows that ended more than the repeat window ago no longer escalate anything
  let purge: TimerHandle | null = null;
  const purgeTick = (): void => {
    domain.store.bans
      .purgeEndedBefore(clock.now() - 30 * DAY)
      .catch((err: unknown) => logger.warn('ban purge failed', { error: String(err) }))
      .finally(() => (purge = clock.setTimeout(purgeTick, DAY)));
  };
  purge = clock.setTimeout(purgeTick, 60_000);

  return {
    detector,
    bans,
    metrics,
    scanners: new ScannerUserAgents(c.scannerUserAgents),
    nft,
    setRegisteredSources: (s) => {
      registered = s;
    },
    close: () => {
      bans.close();
      mail?.close();
      purge?.cancel();
    },
  };
}
