import assert from 'node:assert/strict';
import { test } from 'node:test';
import { discoveryFailureMessage, keySetCheck, metadataChecks } from './oidc-provider-check.ts';

const META = {
  issuer: 'https://idp.example.com',
  authorization_endpoint: 'https://idp.example.com/auth',
  token_endpoint: 'https://idp.example.com/token',
  jwks_uri: 'https://idp.example.com/jwks',
  id_token_signing_alg_values_supported: ['RS256'],
  code_challenge_methods_supported: ['S256'],
};

test('a complete discovery document passes every metadata check', () => {
  assert.ok(metadataChecks(META, 'RS256').every((c) => c.ok));
});

test('missing endpoints, another algorithm and no S256 are each named', () => {
  const { jwks_uri: _j, ...noKeys } = META;
  const checks = metadataChecks(
    { ...noKeys, code_challenge_methods_supported: ['plain'] },
    'ES256',
  );
  const byStep = new Map(checks.map((c) => [c.step, c]));
  assert.match(byStep.get('endpoints')?.message ?? '', /lacks jwks_uri/);
  assert.equal(byStep.get('endpoints')?.ok, false);
  assert.match(
    byStep.get('algorithm')?.message ?? '',
    /does not sign ID tokens with ES256 \(it offers RS256\)/,
  );
  assert.equal(byStep.get('pkce')?.ok, false);
});

test('the key set needs a signing key of the algorithm’s type', () => {
  const rsa = { kty: 'RSA', use: 'sig', alg: 'RS256', n: 'x', e: 'AQAB' };
  assert.equal(keySetCheck({ keys: [rsa] }, 'RS256').ok, true);
  assert.equal(keySetCheck({ keys: [rsa] }, 'ES256').ok, false);
  assert.equal(keySetCheck({ keys: [{ ...rsa, use: 'enc' }] }, 'RS256').ok, false);
  assert.equal(keySetCheck({ keys: [{ ...rsa, alg: 'PS256' }] }, 'RS256').ok, false);
  assert.match(keySetCheck({ nope: 1 }, 'RS256').message, /not a JWK set/);
  assert.match(keySetCheck({ keys: [] }, 'RS256').message, /no key that can check RS256/);
});

test('discovery failures are told in plain words', () => {
  assert.match(
    discoveryFailureMessage('fetch failed ECONNREFUSED', false),
    /refused the connection/,
  );
  assert.match(discoveryFailureMessage('ENOTFOUND', false), /DNS/);
  assert.match(discoveryFailureMessage('', true), /different issuer/);
  assert.match(discoveryFailureMessage('unexpected', false), /openid-configuration/);
});
