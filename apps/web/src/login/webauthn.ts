/** WebAuthn in the browser through the JSON helpers (no hand-made base64url conversions). */
interface JsonCapable {
  parseRequestOptionsFromJSON?: (o: unknown) => PublicKeyCredentialRequestOptions;
  parseCreationOptionsFromJSON?: (o: unknown) => PublicKeyCredentialCreationOptions;
}

function helpers(): JsonCapable {
  if (typeof PublicKeyCredential === 'undefined')
    throw new Error('this browser does not support passkeys');
  return PublicKeyCredential as unknown as JsonCapable;
}

function toJson(credential: Credential | null): unknown {
  if (!credential) throw new Error('no passkey was chosen');
  const c = credential as unknown as { toJSON?: () => unknown };
  if (typeof c.toJSON !== 'function')
    throw new Error('this browser cannot send a passkey response');
  return c.toJSON();
}

/** Signs a server challenge with a passkey; the options come from the server as JSON. */
export async function getPasskeyAssertion(options: unknown): Promise<unknown> {
  const parse = helpers().parseRequestOptionsFromJSON;
  if (!parse) throw new Error('this browser is too old for passkeys here');
  const publicKey = parse(options);
  return toJson(await navigator.credentials.get({ publicKey }));
}

/** Creates a passkey for the signed-in user from the server's registration options. */
export async function createPasskey(options: unknown): Promise<unknown> {
  const parse = helpers().parseCreationOptionsFromJSON;
  if (!parse) throw new Error('this browser is too old for passkeys here');
  const publicKey = parse(options);
  return toJson(await navigator.credentials.create({ publicKey }));
}
