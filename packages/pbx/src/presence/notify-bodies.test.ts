/**
 * The NOTIFY bodies are well-formed, namespaced XML whatever a display name
 * holds: each document is read back by a real XML parser (Python's expat,
 * through minidom, namespace-aware) and compared with what went in.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { dialogInfoXml } from './dialog-info-xml.ts';
import { pidfXml } from './pidf-xml.ts';
import { presenceDocument } from './presence-view.ts';
import type { UserDialog } from './user-dialogs.ts';
import type { WatchedUser } from './watched-user.ts';
import { xmlText } from './xml-text.ts';

const READ = `
import json, sys
from xml.dom import minidom
doc = minidom.parseString(sys.stdin.buffer.read())
root = doc.documentElement
def walk(n):
    out = {"ns": n.namespaceURI, "name": n.localName, "attrs": {a.localName: a.value for a in n.attributes.values() if a.prefix != "xmlns" and a.localName != "xmlns"}, "text": "".join(c.data for c in n.childNodes if c.nodeType == c.TEXT_NODE), "children": [walk(c) for c in n.childNodes if c.nodeType == c.ELEMENT_NODE]}
    return out
print(json.dumps(walk(root)))
`;

interface Node {
  readonly ns: string;
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly text: string;
  readonly children: Node[];
}

const python = (() => {
  try {
    execFileSync('python3', ['-c', 'import xml.dom.minidom'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function parse(xml: string): Node {
  return JSON.parse(execFileSync('python3', ['-c', READ], { input: xml }).toString()) as Node;
}

const find = (n: Node, name: string): Node[] => [
  ...(n.name === name ? [n] : []),
  ...n.children.flatMap((c) => find(c, name)),
];

const NASTY = `Ann "the <boss>" & O'Neil \u0001\u0007 ünïcödé 📞`;
const CLEAN = `Ann "the <boss>" & O'Neil  ünïcödé 📞`;

const user: WatchedUser = {
  tenantId: 't',
  userId: 'u',
  extension: '1002',
  displayName: NASTY,
  domain: 'acme.test',
};

describe(
  'NOTIFY bodies',
  { skip: python ? false : 'python3 (a real XML parser) is not installed' },
  () => {
    test('dialog-info (RFC 4235): namespace, version, full state, escaped identities', () => {
      const dialogs: UserDialog[] = [
        {
          id: 'd1',
          deviceId: 'dev',
          direction: 'recipient',
          state: 'early',
          peer: { number: '1003', displayName: NASTY },
          identity: { number: '1002', displayName: null },
        },
        {
          id: 'd2',
          deviceId: 'dev2',
          direction: 'initiator',
          state: 'terminated',
          peer: { number: '#31#+44', displayName: null },
          identity: { number: '1002', displayName: null },
        },
      ];
      const root = parse(dialogInfoXml(user, 7, dialogs));
      assert.equal(root.ns, 'urn:ietf:params:xml:ns:dialog-info');
      assert.equal(root.name, 'dialog-info');
      assert.deepEqual(root.attrs, { version: '7', state: 'full', entity: 'sip:1002@acme.test' });
      const [d1, d2] = find(root, 'dialog');
      assert.deepEqual(d1!.attrs, { id: 'd1', direction: 'recipient' });
      assert.equal(find(d1!, 'state')[0]!.text, 'early');
      const remote = find(find(d1!, 'remote')[0]!, 'identity')[0]!;
      assert.equal(remote.attrs['display'], CLEAN);
      assert.equal(remote.text, 'sip:1003@acme.test');
      assert.equal(find(d2!, 'state')[0]!.text, 'terminated');
      assert.equal(find(find(d2!, 'remote')[0]!, 'identity')[0]!.text, 'sip:%2331%23+44@acme.test');
      assert.ok(find(root, 'dialog').every((d) => d.ns === root.ns));
      const idle = parse(dialogInfoXml(user, 0, []));
      assert.deepEqual(idle.children, [], 'idle: no dialog');
    });

    test('PIDF (RFC 3863) with an RPID activity and a note', () => {
      const doc = presenceDocument({
        status: 'busy',
        registered: true,
        onCall: false,
        ringing: false,
      });
      const root = parse(pidfXml(user, { ...doc, note: NASTY }));
      assert.equal(root.ns, 'urn:ietf:params:xml:ns:pidf');
      assert.equal(root.attrs['entity'], 'sip:1002@acme.test');
      assert.equal(find(root, 'basic')[0]!.text, 'open');
      const busy = find(root, 'busy')[0]!;
      assert.equal(busy.ns, 'urn:ietf:params:xml:ns:pidf:rpid');
      const note = find(root, 'note')[0]!;
      assert.equal(note.ns, 'urn:ietf:params:xml:ns:pidf:data-model');
      assert.equal(note.text, CLEAN);
    });
  },
);

test('what a watcher is told, from the snapshot', () => {
  const base = { registered: true, onCall: false, ringing: false } as const;
  assert.deepEqual(presenceDocument({ ...base, status: 'available' }), {
    basic: 'open',
    activity: null,
    note: 'Available',
  });
  assert.deepEqual(presenceDocument({ ...base, registered: false, status: 'available' }), {
    basic: 'closed',
    activity: null,
    note: 'Offline',
  });
  assert.deepEqual(presenceDocument({ ...base, onCall: true, status: 'away' }), {
    basic: 'open',
    activity: 'on-the-phone',
    note: 'On the phone',
  });
  assert.deepEqual(presenceDocument({ ...base, onCall: true, status: 'dnd' }), {
    basic: 'closed',
    activity: 'busy',
    note: 'Do not disturb',
  });
  assert.deepEqual(presenceDocument({ ...base, status: 'away' }), {
    basic: 'open',
    activity: 'away',
    note: 'Away',
  });
});

test('xmlText escapes markup and drops what XML cannot carry', () => {
  assert.equal(xmlText(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  assert.equal(xmlText('a\u0000b\u001fc\td\ne\uFFFEf\uD800g📞'), 'abc\td\nefg📞');
});
