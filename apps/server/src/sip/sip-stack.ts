/**
 * Builds and runs the SIP side of the server: transports (UDP, TCP, TLS on
 * every SIP bind address, WSS on the HTTPS listeners at `sip.wsPath`), the
 * transaction layer, the server core with the registrar, OPTIONS, the
 * B2BUA and the presence notifier (SUBSCRIBE), and the location service
 * loaded from storage. Presence follows the B2BUA's calls, the location
 * service's registrations and the statuses users set. `stop` ends calls and
 * subscriptions, closes the listeners, then the transactions, then the
 * location sweep.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { systemClock, type Logger, type SecurityEventSink } from '@palisade/common';
import {
  B2bua,
  CALL_METHODS,
  DialogPackage,
  EventNotifier,
  DirectoryCache,
  isConnectionBound,
  LocationService,
  PresencePackage,
  PresenceService,
  PresenceView,
  RegistrarLocation,
  Registrar,
  SipServerCore,
  UserDialogs,
  digestUriMatches,
  optionsHandler,
} from '@palisade/pbx';
import { DigestAuthenticator, type DigestAlgorithm } from '@palisade/security';
import type { MediaEngine } from '@palisade/media';
import { OPTION_100REL, TransactionLayer } from '@palisade/sip';
import { SipNodeTransport } from '@palisade/sip-node';
import type { BoundListener, ListenerSpec } from '@palisade/sip-node';
import type { PalisadeConfig } from '../config/schema.ts';
import type { Domain } from '../domain.ts';
import type { HttpsListeners } from '../http/https-listeners.ts';
import type { CertificateStore } from '../tls/certificate-store.ts';
import { hardenedTlsOptions } from '../tls/hardened-tls.ts';
import { startMediaEngine } from '../media/media-engine.ts';
import type { Ids } from '../ids/build-ids.ts';
import { SipIdsGuard } from '../ids/sip-ids-guard.ts';
import { connectSipDetectors } from '../ids/sip-detectors.ts';
import { withWebphoneCredentials } from '../webphone/webphone-devices.ts';

export interface SipStack {
  readonly listeners: readonly BoundListener[];
  readonly location: LocationService;
  readonly registrar: Registrar;
  readonly transport: SipNodeTransport;
  readonly b2bua: B2bua;
  readonly media: MediaEngine;
  /** The SUBSCRIBE side of presence and busy lamps. */
  readonly notifier: EventNotifier;
  /** Users' statuses and their colleagues' presence, for the API. */
  readonly presence: PresenceService;
  stop(): Promise<void>;
}

export interface SipStackInit {
  readonly config: PalisadeConfig;
  readonly domain: Domain;
  readonly certificates: CertificateStore;
  readonly https: HttpsListeners;
  /** The origins a browser may open SIP over WebSocket from. */
  readonly trustedOrigins: () => readonly string[];
  readonly logger: Logger;
  readonly events: SecurityEventSink;
  /** Intrusion detection and prevention (issue 7); absent when `ids.enabled` is off. */
  readonly ids?: Ids | null | undefined;
}

function listenerSpecs(config: PalisadeConfig): ListenerSpec[] {
  const specs: ListenerSpec[] = [];
  for (const host of config.sip.bind) {
    // port 0 means off (config reference)
    if (config.sip.udpPort > 0) specs.push({ transport: 'UDP', host, port: config.sip.udpPort });
    if (config.sip.tcpPort > 0) specs.push({ transport: 'TCP', host, port: config.sip.tcpPort });
    if (config.sip.tlsPort > 0) specs.push({ transport: 'TLS', host, port: config.sip.tlsPort });
  }
  return specs;
}

export async function startSipStack(init: SipStackInit): Promise<SipStack> {
  const { config, domain, certificates, https, logger } = init;
  const log = logger.child({ component: 'sip' });
  const location = new LocationService({ repository: domain.store.registrations, logger: log });
  const loaded = await location.start();
  // calls that were in progress when the server last stopped (a crash, kill -9)
  const interrupted = await domain.store.cdrs.markInterrupted(Date.now());
  if (interrupted > 0) log.warn('calls interrupted by the last stop', { count: interrupted });
  // per process: a restart makes clients re-authenticate once (a plain 401 or 407)
  // per process: a restart makes clients re-authenticate once (a plain 401)
  const digest = (maxTrackedNonces?: number): DigestAuthenticator =>
    new DigestAuthenticator({
      secretKey: randomBytes(32),
      nonceLifetimeSeconds: config.sip.nonceLifetimeSeconds,
      algorithms: config.sip.digestAlgorithms as readonly DigestAlgorithm[],
      uriMatches: digestUriMatches,
      ...(maxTrackedNonces !== undefined ? { maxTrackedNonces } : {}),
    });
  // no Server header: a version banner only helps scanners (svmap)
  const core = new SipServerCore({
    logger: log,
    supported: ['path', 'outbound', 'timer', 'replaces'],
    // RFC 3262: a caller may require reliable provisionals of its INVITE
    supportedFor: { INVITE: [OPTION_100REL] },
  });
  // every authenticated request reads its device and user: from memory,
  // dropped whenever credentials change (directory-cache.ts)
  const directory = new DirectoryCache({ logger: log });
  await directory.follow(domain.store);
  const users = directory.users(domain.store.users);
  // REGISTER and INVITE both accept the web phone's minted credentials.
  const devices = withWebphoneCredentials(
    domain.store.devices,
    users,
    domain.webphoneTokens,
    directory.devices(domain.store.devices),
  );
  const registrar = new Registrar({
    devices,
    users,
    location,
    // at thousands of REGISTERs a second the default 10,000 would forget a
    // nonce within seconds, and a client slow to answer its challenge would
    // be challenged again (stale); 100,000 counts take about 20 MiB
    authenticator: digest(100_000),
    securityEvents: init.events,
    policy: { minExpires: config.sip.minExpires, maxExpires: config.sip.maxExpires },
  });
  core.handle('REGISTER', registrar.handle);
  // RFC 3261 §8.2.7: the challenge to a REGISTER without credentials keeps no transaction
  core.handleStateless('REGISTER', registrar.challenge);
  core.handle('OPTIONS', optionsHandler(core));

  // --- intrusion detection (issue 7) ---
  const ids = init.ids;
  const guard = ids ? new SipIdsGuard(ids, systemClock, config.ids.sipMaxRequestsPerSecond) : null;
  // --- end intrusion detection ---

  let layer: TransactionLayer | null = null;
  let transportRef: SipNodeTransport | null = null;
  const media = await startMediaEngine(config, logger);
  const b2bua = new B2bua({
    repos: {
      tenants: domain.store.tenants,
      users: domain.store.users,
      devices,
      groups: domain.store.groups,
      tenantSettings: domain.store.tenantSettings,
      cdrs: domain.store.cdrs,
    },
    authenticator: digest(),
    location: new RegistrarLocation(location, domain.store.devices),
    media,
    sentBy: (d) => (transportRef ? transportRef.sentBy(d) : { host: '127.0.0.1', port: 5060 }),
    audit: domain.audit,
    securityEvents: init.events,
    logger: log.child({ component: 'calls' }),
    sessionExpires: config.calls.sessionExpires,
    minSessionExpires: config.calls.minSessionExpires,
    acceptServerDigestUri: config.calls.digestUri === 'or-server',
  });
  // --- presence and busy lamps: SUBSCRIBE (dialog, presence) ---
  const dialogs = new UserDialogs();
  const presenceView = new PresenceView({
    repos: domain.store,
    registered: { isRegistered: (userId) => location.isUserRegistered(userId) },
    dialogs,
  });
  const presence = new PresenceService(
    { store: domain.store, audit: domain.audit, clock: systemClock },
    presenceView,
    domain.callSettings,
  );
  const notifier = new EventNotifier({
    repos: {
      tenants: domain.store.tenants,
      users: domain.store.users,
      devices,
      groups: domain.store.groups,
    },
    authenticator: digest(),
    packages: [new DialogPackage(dialogs), new PresencePackage(presenceView)],
    sentBy: (d) => (transportRef ? transportRef.sentBy(d) : { host: '127.0.0.1', port: 5060 }),
    policy: {
      minExpires: config.presence.minExpires,
      maxExpires: config.presence.maxExpires,
      maxPerDevice: config.presence.maxPerDevice,
      maxPerSource: config.presence.maxPerSource,
      maxTotal: config.presence.maxSubscriptions,
    },
    securityEvents: init.events,
    logger: log.child({ component: 'presence' }),
    acceptServerDigestUri: config.calls.digestUri === 'or-server',
  });
  core.handle('SUBSCRIBE', notifier.handle);
  const unfollow = [
    b2bua.events.on('activity', (a) => dialogs.update(a)),
    dialogs.events.on('changed', (c) => notifier.userChanged(c.userId, 'calls', c.ended)),
    location.onUserChange((c) => notifier.userChanged(c.userId, 'registration')),
    presence.events.on('changed', (c) => notifier.userChanged(c.userId, 'status')),
  ];
  // --- end presence ---
  // detectors of the registrar, the notifier, the B2BUA and the relay report to the IDS (issue 7)
  const disconnectIds = ids
    ? connectSipDetectors(ids, { registrar, notifier, b2bua, media, location })
    : () => undefined;
  for (const method of CALL_METHODS)
    if (method !== 'ACK')
      core.handle(method, (incoming) =>
        b2bua.receive(incoming.request, incoming.transaction, incoming.source),
      );
  core.handleAck((request, source) => b2bua.receive(request, undefined, source));
  const transport: SipNodeTransport = new SipNodeTransport({
    receive: (message, source) => {
      const verdict = guard?.inspect(message, source);
      if (verdict?.kind === 'drop') return;
      if (verdict?.kind === 'reply')
        return transport.send(verdict.response, source, () => undefined);
      layer?.receive(message, source);
    },
    ...(guard
      ? {
          admitSource: guard.admitSource,
          onRejected: guard.onRejected,
          onMessageFlood: guard.onMessageFlood,
        }
      : {}),
    wsMaxMessagesPerSecond: config.sip.wsMaxMessagesPerSecond,
    // a closed browser tab must not keep ringing: its WS/WSS bindings go with the connection;
    // subscriptions made over any connection go with it (their NOTIFYs had nowhere else to go)
    onConnectionClosed: (source) => {
      if (source.connectionId !== undefined) notifier.dropConnection(source.connectionId);
      if (!isConnectionBound(source.transport) || source.connectionId === undefined) return;
      location.dropConnection(source.connectionId).then(
        (removed) => {
          if (removed.length > 0)
            log.debug('bindings of a closed connection removed', {
              transport: source.transport,
              count: removed.length,
            });
        },
        (err: unknown) =>
          log.warn('bindings of a closed connection could not be removed', {
            error: err instanceof Error ? err.message : String(err),
          }),
      );
    },
    logger: log,
    maxMessageBytes: config.sip.maxMessageBytes,
    maxConnections: config.sip.maxConnections,
    maxConnectionsPerSource: config.sip.maxConnectionsPerSource,
    idleTimeoutMs: config.sip.idleTimeoutSeconds * 1000,
    tls: {
      ...hardenedTlsOptions(),
      cert: certificates.current.certPem,
      key: certificates.current.keyPem,
    },
    // a browser always sends Origin; SIP clients outside browsers may not
    allowOrigin: (origin) =>
      origin === undefined ||
      init.trustedOrigins().some((o) => o.toLowerCase() === origin.toLowerCase()),
  });
  transportRef = transport;
  layer = new TransactionLayer({ transport, user: core });
  b2bua.attach(layer);
  notifier.attach(layer);
  const unsubscribe = certificates.onChange((pair) =>
    transport.setSecureContext({ ...hardenedTlsOptions(), cert: pair.certPem, key: pair.keyPem }),
  );
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '').split('?')[0];
    if (path === config.sip.wsPath) transport.handleUpgrade(req, socket, head, true);
    else socket.destroy();
  };
  for (const server of https.servers) server.on('upgrade', onUpgrade);

  let listeners: BoundListener[];
  try {
    listeners = await transport.listen(listenerSpecs(config));
  } catch (err) {
    unsubscribe();
    disconnectIds();
    for (const off of unfollow) off();
    await notifier.close(0);
    await transport.close();
    layer.close();
    location.close();
    directory.close();
    await media.close();
    throw err;
  }
  log.info('SIP listening', {
    listeners: listeners.map((l) => `${l.transport} ${l.host}:${l.port}`),
    websocket: config.sip.wsPath,
    bindingsLoaded: loaded,
  });
  let stopping: Promise<void> | null = null;
  return {
    listeners,
    location,
    registrar,
    transport,
    b2bua,
    media,
    notifier,
    presence,
    stop: () =>
      (stopping ??= (async () => {
        for (const server of https.servers) server.off('upgrade', onUpgrade);
        unsubscribe();
        disconnectIds();
        // calls end with BYE and their CDRs are committed before the sockets close;
        // subscriptions get their final NOTIFY (a short wait for the answers)
        await b2bua.close().catch(() => undefined);
        for (const off of unfollow) off();
        await notifier.close().catch(() => undefined);
        await transport.close();
        layer.close();
        location.close();
        directory.close();
        await media.close();
      })()),
  };
}
