import assert from 'node:assert/strict';
import { test } from 'node:test';
import { oidcPresetDefaults } from './oidc-presets.ts';

test('Google and Microsoft presets name their issuers', () => {
  assert.equal(oidcPresetDefaults('google').issuer, 'https://accounts.google.com');
  assert.equal(
    oidcPresetDefaults('microsoft', { microsoftTenantId: '72F988BF-86F1-41AF-91AB-2D7CD011DB47' })
      .issuer,
    'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
  );
  assert.equal(
    oidcPresetDefaults('generic', { issuer: 'https://idp.example.com' }).issuer,
    'https://idp.example.com',
  );
});

test('Microsoft needs a tenant GUID: the multi-tenant issuers are refused', () => {
  for (const t of ['common', 'organizations', 'consumers', '', 'not-a-guid'])
    assert.throws(() => oidcPresetDefaults('microsoft', { microsoftTenantId: t }), RangeError);
  assert.throws(() => oidcPresetDefaults('generic'), RangeError);
});
