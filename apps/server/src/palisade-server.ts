/**
 * The composition root: builds every part from the validated configuration,
 * starts them in order, and stops them in reverse order.
 *
 *   start: data dir → storage (migrate) → certificates → SIP → HTTPS → first-run link → directory sync schedule
 *   stop:  directory sync schedule → SIP → stop accepting → drain requests → close storage → flush logs
 */
import { hostname } from 'node:os';
import Fastify from 'fastify';
import { systemClock, type Logger, type SecurityEventSink } from '@palisade/common';
import { registerApi } from '@palisade/api';
import { LiveCallService } from '@palisade/pbx';
import type { PalisadeConfig } from './config/schema.ts';
import { prepareDataDir } from './data-dir.ts';
import { openDomain, type Domain } from './domain.ts';
import { HttpsListeners } from './http/https-listeners.ts';
import { registerSetupPage } from './http/setup-page.ts';
import { DEFAULT_WEB_ROOT, loadWebApp, registerWebApp } from './http/web-app.ts';
import { startSipStack, type SipStack } from './sip/sip-stack.ts';
import { LdapSyncScheduler } from './sso/ldap-sync-scheduler.ts';
import { CertificateStore } from './tls/certificate-store.ts';
import { VERSION } from './version.ts';
import { buildIds, type Ids } from './ids/build-ids.ts';
import { HttpIdsGuard } from './ids/http-ids-guard.ts';
import { IdsEventTap } from './ids/ids-event-tap.ts';

export interface PalisadeServer {
  readonly domain: Domain;
  readonly httpsPort: number;
  readonly baseUrl: string;
  readonly certificates: CertificateStore;
  readonly sip: SipStack;
  /** Intrusion detection and prevention; null when `ids.enabled` is off. */
  readonly ids: Ids | null;
  /** Graceful: idempotent; resolves when everything is closed. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly config: PalisadeConfig;
  readonly logger: Logger;
  readonly events: SecurityEventSink;
  /** Where the first-run setup link is shown besides the log (the console). */
  readonly announce?: (line: string) => void;
}

export function publicBaseUrl(config: PalisadeConfig, port: number): string {
  return config.http.publicUrl ?? `https://${hostname()}:${port}`;
}

export async function startPalisade({
  config,
  logger,
  events,
  announce = (l) => process.stdout.write(`${l}\n`),
}: StartOptions): Promise<PalisadeServer> {
  const dataDir = prepareDataDir(config.data.dir);
  // login detectors report through security events; the tap feeds them to the IDS
  const tap = new IdsEventTap(events);
  const domain = await openDomain(config, dataDir, logger, tap);
  let ids: Ids | null = null;
  let listeners: HttpsListeners | null = null;
  let certificates: CertificateStore | null = null;
  let sip: SipStack | null = null;
  let baseUrl = '';
  let ready = false;
  try {
    certificates = await CertificateStore.open({
      dataDir,
      certFile: config.tls.certFile,
      keyFile: config.tls.keyFile,
      names: [...new Set([hostname(), domain.defaultTenant.sipDomain])],
      logger,
    });
    certificates.watch();
    // --- intrusion detection (issue 7): before any listener opens ---
    if (config.ids.enabled) {
      ids = await buildIds({
        config,
        domain,
        events: tap,
        mailer: domain.identity.mailer,
        clock: systemClock,
        logger,
      });
      tap.attach(ids.detector);
    }
    const guard = ids
      ? new HttpIdsGuard(ids, {
          maxConnections: config.ids.httpMaxConnections,
          maxConnectionsPerSource: config.ids.httpMaxConnectionsPerSource,
          maxInFlight: config.ids.httpMaxInFlight,
        })
      : undefined;
    // --- end intrusion detection ---
    const https = new HttpsListeners(certificates, config.http.bind, {
      headersTimeoutMs: config.http.headersTimeoutMs,
      requestTimeoutMs: config.http.requestTimeoutMs,
      guard,
    });
    listeners = https;
    // --- SIP (issue 3): listeners after storage and certificates, stopped first ---
    sip = await startSipStack({
      config,
      domain,
      certificates,
      https,
      trustedOrigins: () => [new URL(baseUrl).origin, ...config.http.trustedDomains],
      logger,
      events: tap,
      ids,
    });
    const sipStack = sip;
    // --- end SIP ---
    const app = Fastify({
      serverFactory: (handler) => {
        https.setHandler(handler);
        return https.servers[0]!;
      },
      bodyLimit: config.http.bodyLimitBytes,
      logger: false,
      trustProxy: false,
      return503OnClosing: true,
      ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    });
    const store = domain.store;
    registerApi(app, {
      services: {
        ...domain,
        auditLog: store.auditLog,
        defaultTenantId: domain.defaultTenant.id,
        intrusion: ids ? { detector: ids.detector, bans: ids.bans, metrics: ids.metrics } : null,
        liveCalls: new LiveCallService(sipStack.b2bua, store.users, domain.audit),
        presence: sipStack.presence,
      },
      logger,
      version: VERSION,
      readiness: [
        async () => {
          await store.ping();
          return { name: 'storage', ok: true };
        },
        async () => ({ name: 'https', ok: ready }),
      ],
    });
    const webApp = loadWebApp(config.http.webRoot ?? DEFAULT_WEB_ROOT);
    if (webApp) registerWebApp(app, webApp);
    else logger.warn('no built web app: serving the API only (npm run build -w @palisade/web)');
    registerSetupPage(app, domain, webApp);
    await app.ready();
    const bound = await https.listen(config.http.port);
    const port = bound[0]?.port ?? config.http.port;
    baseUrl = publicBaseUrl(config, port);
    domain.identity.publicUrl.set(baseUrl); // identity: links in e-mails, trusted origin
    ready = true;
    logger.info('palisade started', {
      version: VERSION,
      https: bound.map((b) => `${b.address}:${b.port}`),
      dataDir,
      database: store.dialect,
    });

    if (await domain.setup.needed()) {
      const link = await domain.setup.createLink(baseUrl, 'system');
      logger.info(
        'no super-admin yet: first-run setup link issued (valid 1 hour, single use; printed on the console)',
      );
      announce(
        `\nNo administrator exists yet. Open this single-use link within 1 hour to create the super-admin:\n\n  ${link.url}\n\n(\`palisade admin setup\` prints a new one.)\n`,
      );
    }

    const syncs = new LdapSyncScheduler({
      tenants: () => domain.store.tenants.list({ limit: 1000 }),
      providers: domain.store.ssoProviders,
      runs: domain.store.ssoSyncRuns,
      ldap: domain.sso.ldap,
      clock: systemClock,
      logger,
      checkEveryMs: config.sso.syncCheckMinutes * 60_000,
    });
    syncs.start();

    let stopping: Promise<void> | null = null;
    const certs = certificates;
    return {
      domain,
      httpsPort: port,
      baseUrl,
      certificates: certs,
      sip: sipStack,
      ids,
      stop: () =>
        (stopping ??= (async () => {
          ready = false;
          logger.info('palisade stopping');
          await syncs.stop();
          await sipStack.stop();
          await https.close();
          await app.close();
          certs.close();
          ids?.close();
          tap.attach(null);
          await domain.close();
          logger.info('palisade stopped');
        })()),
    };
  } catch (err) {
    await sip?.stop();
    await listeners?.close(0);
    certificates?.close();
    ids?.close();
    await domain.close();
    throw err;
  }
}
