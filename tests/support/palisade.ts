/** Starts a real Palisade in-process on loopback with a fresh data directory, for end-to-end tests. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nullLogger, type SecurityEvent } from '@palisade/common';
import {
  createSecurityEvents,
  loadConfig,
  startPalisade,
  type PalisadeServer,
} from '@palisade/server';
import { httpsClient, type HttpClient } from './https-client.ts';
import { freeSipPort, freeTcpPort } from './ports.ts';

export interface TestPalisade {
  readonly server: PalisadeServer;
  readonly client: HttpClient;
  readonly dataDir: string;
  readonly ca: string;
  readonly announced: string[];
  readonly events: SecurityEvent[];
  stop(): Promise<void>;
}

/**
 * `realEvents` sends security events through the server's own sink (log and
 * syslog) instead of collecting them in memory; syslog is off unless the
 * test configures a target.
 */
export async function startTestPalisade(
  env: Record<string, string> = {},
  opts: { realEvents?: boolean } = {},
): Promise<TestPalisade> {
  const dataDir = mkdtempSync(join(tmpdir(), 'palisade-e2e-'));
  const sipPort = String(await freeSipPort());
  const tlsPort = String(await freeTcpPort());
  const { config } = loadConfig({
    cwd: dataDir,
    env: {
      PALISADE_DATA_DIR: dataDir,
      PALISADE_HTTP_BIND: '127.0.0.1',
      PALISADE_HTTP_PORT: '0',
      PALISADE_SIP_DOMAIN: 'pbx.test',
      PALISADE_SYSLOG_ENABLED: opts.realEvents ? 'true' : 'false',
      // The test client on 127.0.0.1 is the administrator's own machine: flood rules never ban it
      // (tests/conformance/ids attack from other loopback addresses).
      PALISADE_IDS_TRUSTED_NETWORKS: '127.0.0.1/32',
      // API-only unless a test asks for the web app (tests/support/web-browser.ts), so
      // results do not depend on whether apps/web/dist happens to be built.
      PALISADE_HTTP_WEB_ROOT: join(dataDir, 'no-web-app'),
      PALISADE_SIP_BIND: '127.0.0.1',
      PALISADE_SIP_UDP_PORT: sipPort,
      PALISADE_SIP_TCP_PORT: sipPort,
      PALISADE_SIP_TLS_PORT: tlsPort,
      PALISADE_MEDIA_BIND_ADDRESS: '127.0.0.1',
      ...env,
    },
  });
  const announced: string[] = [];
  const events: SecurityEvent[] = [];
  const sink = opts.realEvents ? createSecurityEvents(config, dataDir, nullLogger) : null;
  const server = await startPalisade({
    config,
    logger: nullLogger,
    events: {
      emit: (e) => {
        events.push(e);
        sink?.emit(e);
      },
    },
    announce: (l) => announced.push(l),
  });
  const ca = readFileSync(join(dataDir, 'tls', 'server.crt'), 'utf8');
  return {
    server,
    client: httpsClient(`https://127.0.0.1:${server.httpsPort}`, ca),
    dataDir,
    ca,
    announced,
    events,
    async stop() {
      await server.stop();
      await sink?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
