/**
 * Who places a call: every INVITE that starts a call must carry digest
 * credentials of a device of the tenant (RFC 3261 §22.3: a proxy-style
 * 407 challenge with Proxy-Authenticate, answered with
 * Proxy-Authorization). The checks are those of REGISTER: the same
 * DigestAuthenticator (nonce lifetime, nonce-count replay, byte-identical
 * challenges for known and unknown users), HA1 looked up by the tenant's
 * SIP domain and the device's SIP username.
 *
 * A subscriber (SUBSCRIBE, presence/) is checked the same way, but as the
 * UAS it is: `scheme: 'www'` challenges with 401 and WWW-Authenticate and
 * reads Authorization (§22.2).
 */
import { formatDigestChallenge, formatUri, parseUri } from '@palisade/sip';
import type { ExtraHeaders, SipRequest } from '@palisade/sip';
import { digestAlgorithmOf } from '@palisade/security';
import type { DigestAuthenticator, DigestFailureReason } from '@palisade/security';
import type { Device } from '../ports/device-repository.ts';
import type { PbxRepositories } from '../ports/pbx-store.ts';
import type { Tenant } from '../ports/tenant-repository.ts';
import type { User } from '../ports/user-repository.ts';

export interface AuthenticatedCaller {
  readonly tenant: Tenant;
  readonly user: User;
  readonly device: Device;
}

export type CallerCheck =
  | { readonly ok: true; readonly caller: AuthenticatedCaller }
  | {
      readonly ok: false;
      /** 407 (401 for `scheme: 'www'`) with these headers (challenges), or 403 for a disabled user. */
      readonly status: 401 | 407 | 403;
      readonly headers: ExtraHeaders;
      /** For logs and intrusion detection; never sent. `missing` = no credentials yet. */
      readonly reason: DigestFailureReason | 'missing' | 'disabled';
      readonly username: string | undefined;
    };

/** How the challenge goes: as a proxy (407, INVITE) or as the UAS itself (401, SUBSCRIBE). */
export type ChallengeScheme = 'proxy' | 'www';

export class CallerAuthenticator {
  readonly #digest: DigestAuthenticator;
  readonly #repos: Pick<PbxRepositories, 'tenants' | 'users' | 'devices'>;
  readonly #scheme: ChallengeScheme;

  constructor(
    digest: DigestAuthenticator,
    repos: Pick<PbxRepositories, 'tenants' | 'users' | 'devices'>,
    scheme: ChallengeScheme = 'proxy',
  ) {
    this.#digest = digest;
    this.#repos = repos;
    this.#scheme = scheme;
  }

  get #status(): 401 | 407 {
    return this.#scheme === 'proxy' ? 407 : 401;
  }

  /** The realm of a caller: the SIP domain of its From URI. */
  static realmOf(request: SipRequest): string {
    const uri = request.from.uri;
    return (uri.kind === 'sip' ? uri.host : '').toLowerCase();
  }

  #challenge(realm: string, stale: boolean): ExtraHeaders {
    const header = this.#scheme === 'proxy' ? 'Proxy-Authenticate' : 'WWW-Authenticate';
    return this.#digest
      .challenges(realm, { stale })
      .map((c) => [header, formatDigestChallenge({ ...c, qop: [c.qop] })] as const);
  }

  /**
   * `serverHost`: when given, a digest-uri naming this server (`sip:host[:port]`,
   * no user) is accepted in place of the Request-URI. RFC 7616 §3.4.6 wants
   * the Request-URI; load generators (SIPp) send the server's address. The
   * nonce-count check still refuses any replay. Off unless configured.
   */
  async check(request: SipRequest, serverHost?: string): Promise<CallerCheck> {
    const realm = CallerAuthenticator.realmOf(request);
    const credentials = request
      .header(this.#scheme === 'proxy' ? 'proxy-authorization' : 'authorization')
      .find((c) => c.kind === 'digest' && c.realm.toLowerCase() === realm);
    if (!credentials || credentials.kind !== 'digest')
      return {
        ok: false,
        status: this.#status,
        headers: this.#challenge(realm, false),
        reason: 'missing',
        username: undefined,
      };
    const params = Object.fromEntries(credentials.params);
    const tenant = await this.#repos.tenants.findBySipDomain(realm);
    const device = tenant
      ? await this.#repos.devices.findBySipDomainAndUsername(realm, credentials.username)
      : null;
    const algorithm = digestAlgorithmOf(params);
    const ha1 =
      device && algorithm ? (algorithm === 'MD5' ? device.ha1Md5 : device.ha1Sha256) : null;
    const result = this.#digest.verify({
      method: request.method,
      uri: namesServer(credentials.uri, serverHost) ? credentials.uri : formatUri(request.uri),
      realm,
      params,
      ha1,
    });
    if (!result.ok || !tenant || !device)
      return {
        ok: false,
        status: this.#status,
        headers: this.#challenge(realm, result.ok ? false : result.stale),
        reason: result.ok ? 'unknown-user' : result.reason,
        username: credentials.username,
      };
    const user = await this.#repos.users.findById(device.userId);
    if (!user || user.state !== 'active')
      return {
        ok: false,
        status: 403,
        headers: [],
        reason: 'disabled',
        username: credentials.username,
      };
    return { ok: true, caller: { tenant, user, device } };
  }
}

function namesServer(digestUri: string, serverHost: string | undefined): boolean {
  if (serverHost === undefined) return false;
  try {
    const uri = parseUri(digestUri, 'proxy-authorization');
    return (
      uri.kind === 'sip' &&
      uri.user === undefined &&
      uri.host.toLowerCase() === serverHost.toLowerCase()
    );
  } catch {
    return false;
  }
}
