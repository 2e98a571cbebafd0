/**
 * Helpers for the intrusion tests: a Palisade on loopback that can be
 * stopped and started again on the same data directory, TLS probes from a
 * chosen loopback source address, and an installation-wide API token.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { TcpNetConnectOpts } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nullLogger, type SecurityEvent } from '@palisade/common';
import { ALL_PERMISSIONS } from '@palisade/security';
import { loadConfig, startPalisade, type PalisadeServer } from '@palisade/server';
import { httpsClient, type HttpClient } from '../../support/https-client.ts';
import { freeSipPort, freeTcpPort } from '../../support/ports.ts';

export const ATTACKER = '127.0.0.2';
export const LEGITIMATE = '127.0.0.3';

export interface IdsPalisade {
  readonly server: PalisadeServer;
  readonly dataDir: string;
  readonly ca: string;
  readonly events: SecurityEvent[];
  readonly udpPort: number;
  /** A client whose connections come from `localAddress`. */
  clientFrom(localAddress: string): HttpClient;
  /** An installation-wide API token with every permission. */
  adminToken(): Promise<string>;
  stop(): Promise<void>;
}

export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'palisade-ids-'));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startIdsPalisade(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<IdsPalisade> {
  const sipPort = String(await freeSipPort());
  const { config } = loadConfig({
    cwd: dataDir,
    env: {
      PALISADE_DATA_DIR: dataDir,
      PALISADE_HTTP_BIND: '127.0.0.1',
      PALISADE_HTTP_PORT: '0',
      PALISADE_SIP_DOMAIN: 'pbx.test',
      PALISADE_SYSLOG_ENABLED: 'false',
      PALISADE_SIP_BIND: '127.0.0.1',
      PALISADE_SIP_UDP_PORT: sipPort,
      PALISADE_SIP_TCP_PORT: sipPort,
      PALISADE_SIP_TLS_PORT: String(await freeTcpPort()),
      PALISADE_IDS_POLL_SECONDS: '1',
      ...env,
    },
  });
  const events: SecurityEvent[] = [];
  const server = await startPalisade({
    config,
    logger: nullLogger,
    events: { emit: (e) => events.push(e) },
    announce: () => undefined,
  });
  const ca = readFileSync(join(dataDir, 'tls', 'server.crt'), 'utf8');
  const base = `https://127.0.0.1:${server.httpsPort}`;
  const udp = server.sip.listeners.find((l) => l.transport === 'UDP');
  return {
    server,
    dataDir,
    ca,
    events,
    udpPort: udp?.port ?? 0,
    clientFrom: (localAddress) => httpsClient(base, ca, { localAddress }),
    adminToken: () => issueAdminToken(server),
    stop: () => server.stop(),
  };
}

/** An installation-wide API token with every permission (`:change` implies `:view`). */
export async function issueAdminToken(server: PalisadeServer): Promise<string> {
  const issued = await server.domain.tokens.issue({
    tenantId: server.domain.defaultTenant.id,
    name: 'ids test',
    scopes: ALL_PERMISSIONS.filter((p) => p.endsWith(':change')),
    by: { id: 'cli' },
    granterPermissions: null,
  });
  return issued.token;
}

/**
 * Opens a TLS connection to the HTTPS port from `localAddress`: 'refused'
 * when the server cuts it before the handshake completes, 'open' otherwise.
 */
export function tlsProbe(
  port: number,
  localAddress: string,
  ca: string,
): Promise<'open' | 'refused'> {
  return new Promise((resolve) => {
    const options: ConnectionOptions & TcpNetConnectOpts = {
      host: '127.0.0.1',
      port,
      localAddress,
      ca,
      servername: 'localhost',
    };
    const socket = connect(options);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('refused');
    }, 5000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.end();
      resolve('open');
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve('refused');
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve('refused');
    });
  });
}
