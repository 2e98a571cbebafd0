import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { isPalisadeError } from '@palisade/common';
import { bdecode, bencode } from './bencode.ts';
import { NgClient } from './ng-client.ts';

const server = createSocket('udp4');
server.bind(0, '127.0.0.1');
await once(server, 'listening');
after(() => server.close());

test('a reply is matched by cookie; a lost request is retransmitted with the same cookie', async () => {
  const cookies: string[] = [];
  const onMessage = (msg: Buffer, rinfo: { port: number; address: string }): void => {
    const space = msg.indexOf(0x20);
    const cookie = msg.toString('latin1', 0, space);
    cookies.push(cookie);
    if (cookies.length === 1) return; // drop the first attempt
    const req = bdecode(msg.subarray(space + 1)) as { command: string };
    // A stray reply with another cookie first: must be ignored.
    server.send(
      Buffer.concat([Buffer.from('other '), bencode({ result: 'error' })]),
      rinfo.port,
      rinfo.address,
    );
    server.send(
      Buffer.concat([Buffer.from(`${cookie} `), bencode({ result: 'pong', echo: req.command })]),
      rinfo.port,
      rinfo.address,
    );
  };
  server.on('message', onMessage);
  const client = await NgClient.connect(
    { host: '127.0.0.1', port: server.address().port },
    { timeoutMs: 150 },
  );
  try {
    const reply = await client.request({ command: 'ping' });
    assert.equal(reply.result, 'pong');
    assert.equal(reply.echo, 'ping');
    assert.equal(cookies.length, 2);
    assert.equal(cookies[0], cookies[1]);
  } finally {
    server.off('message', onMessage);
    client.close();
  }
});

test('no answer after the last attempt is overloaded (503)', async () => {
  const client = await NgClient.connect(
    { host: '127.0.0.1', port: server.address().port },
    { timeoutMs: 50, attempts: 2 },
  );
  try {
    await assert.rejects(
      client.request({ command: 'ping' }),
      (e: unknown) => isPalisadeError(e, 'overloaded') && e.sipStatus === 503,
    );
  } finally {
    client.close();
  }
});
