/** The server sends its security and access events to the configured syslog collector. */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { CLI_ACTOR } from '@palisade/pbx';
import { startTestPalisade } from '../../support/palisade.ts';

test('a directory change reaches a UDP syslog collector as an RFC 5424 line', async () => {
  const collector = createSocket('udp4');
  const received: string[] = [];
  collector.on('message', (m) => received.push(m.toString('utf8')));
  await new Promise<void>((r) => collector.bind(0, '127.0.0.1', r));
  const { port } = collector.address();
  const p = await startTestPalisade(
    { PALISADE_SYSLOG_TARGETS: `udp://127.0.0.1:${port}`, PALISADE_SYSLOG_FACILITY: 'local3' },
    { realEvents: true },
  );
  try {
    const d = p.server.domain;
    await d.users.create(
      { ...CLI_ACTOR, remoteAddress: '127.0.0.9', remotePort: 40000 },
      {
        tenantId: d.defaultTenant.id,
        username: 'eve',
        extension: '555',
        displayName: 'Eve "quotes" ]',
      },
    );
    const deadline = Date.now() + 10_000;
    while (!received.some((l) => l.includes('user.create')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const line = received.find((l) => l.includes('user.create'));
    assert.ok(line, `no user.create event among ${received.length} datagrams`);
    // local3 (19) * 8 + notice (5) = 157; version 1.
    assert.match(
      line,
      /^<157>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ palisade \d+ user\.create \[palisade@32473 seq="\d+"/,
    );
    assert.match(line, /remoteAddr="127\.0\.0\.9"/);
    assert.match(line, /outcome="success"/);
  } finally {
    await p.stop();
    collector.close();
  }
});
