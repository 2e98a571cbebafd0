import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSyslogTarget } from './syslog-targets.ts';

test('target URLs become syslog targets', () => {
  assert.deepEqual(parseSyslogTarget('local:/dev/log'), { kind: 'local', path: '/dev/log' });
  assert.deepEqual(parseSyslogTarget('local:///run/systemd/journal/syslog'), {
    kind: 'local',
    path: '/run/systemd/journal/syslog',
  });
  assert.deepEqual(parseSyslogTarget('udp://10.0.0.5'), {
    kind: 'udp',
    host: '10.0.0.5',
    port: 514,
  });
  assert.deepEqual(parseSyslogTarget('tcp://logs.example:1601?framing=lf'), {
    kind: 'tcp',
    host: 'logs.example',
    port: 1601,
    framing: 'lf',
  });
  assert.deepEqual(parseSyslogTarget('tls://[::1]:6514?ca=/etc/ca.pem&name=collector.example'), {
    kind: 'tls',
    host: '::1',
    port: 6514,
    caFile: '/etc/ca.pem',
    serverName: 'collector.example',
  });
});

test('bad target URLs are refused in plain words', () => {
  assert.throws(() => parseSyslogTarget('local:dev/log'), /socket path/);
  assert.throws(() => parseSyslogTarget('http://x:80'), /not one of local, udp, tcp, tls/);
  assert.throws(
    () => parseSyslogTarget('tls://x:6514?insecure=1'),
    /"insecure" is not an option of tls targets/,
  );
  assert.throws(() => parseSyslogTarget('tcp://x?framing=csv'), /framing must be/);
  assert.throws(() => parseSyslogTarget('not a url'), /not a target URL/);
});
