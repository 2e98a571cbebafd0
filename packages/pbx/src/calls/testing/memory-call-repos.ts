/**
 * In-memory repositories with just what call control reads, for unit tests
 * of the B2BUA (the store's contract tests cover the real ones).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '@palisade/common';
import { computeHa1 } from '@palisade/security';
import type {
  Cdr,
  CdrFilter,
  CdrOutcome,
  CdrRepository,
  NewCdr,
} from '../../ports/cdr-repository.ts';
import type { Device } from '../../ports/device-repository.ts';
import type { Group } from '../../ports/group-repository.ts';
import type { JsonValue } from '../../ports/json-value.ts';
import type { PbxRepositories } from '../../ports/pbx-store.ts';
import type { StoredStatus } from '../../ports/presence-repository.ts';
import type { Tenant } from '../../ports/tenant-repository.ts';
import type { User } from '../../ports/user-repository.ts';

export type CallRepos = Pick<
  PbxRepositories,
  'tenants' | 'users' | 'devices' | 'groups' | 'tenantSettings' | 'cdrs' | 'presence'
>;

export class MemoryCdrs implements CdrRepository {
  readonly rows = new Map<string, Cdr>();
  readonly #clock: Clock;
  constructor(clock: Clock) {
    this.#clock = clock;
  }
  async begin(input: NewCdr): Promise<Cdr> {
    const cdr: Cdr = {
      id: randomUUID(),
      calleeUserId: null,
      calleeDeviceId: null,
      answeredAt: null,
      endedAt: null,
      durationSeconds: 0,
      disposition: 'in_progress',
      hangupCause: null,
      causeSide: null,
      ...input,
    };
    this.rows.set(cdr.id, cdr);
    return cdr;
  }
  async finish(id: string, o: CdrOutcome): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.disposition !== 'in_progress') return false;
    const durationSeconds =
      o.answeredAt === null ? 0 : Math.round((o.endedAt - o.answeredAt) / 1000);
    this.rows.set(id, { ...row, ...o, durationSeconds });
    return true;
  }
  async markInterrupted(now: number): Promise<number> {
    let n = 0;
    for (const [id, row] of this.rows)
      if (row.disposition === 'in_progress') {
        this.rows.set(id, {
          ...row,
          disposition: 'interrupted',
          endedAt: now,
          hangupCause: 'restart',
          causeSide: 'system',
        });
        n++;
      }
    void this.#clock;
    return n;
  }
  async findById(id: string): Promise<Cdr | null> {
    return this.rows.get(id) ?? null;
  }
  async list(filter: CdrFilter): Promise<Cdr[]> {
    return [...this.rows.values()].filter((c) => c.tenantId === filter.tenantId).reverse();
  }
  /** The only CDR (tests place one call at a time). */
  get only(): Cdr {
    const all = [...this.rows.values()];
    if (all.length !== 1) throw new Error(`expected one CDR, found ${all.length}`);
    return all[0]!;
  }
}

/** A tenant with users (extension = SIP username of their one device, password = "secret-<ext>"). */
export class MemoryDirectory {
  readonly tenant: Tenant = {
    id: randomUUID(),
    name: 'acme',
    sipDomain: 'acme.test',
    createdAt: 0,
  };
  readonly users: User[] = [];
  readonly devices: Device[] = [];
  readonly groups: Group[] = [];
  readonly members = new Map<string, string[]>();
  readonly settings = new Map<string, JsonValue>();
  /** The status each user set (presence). */
  readonly statuses = new Map<string, StoredStatus>();
  readonly cdrs: MemoryCdrs;

  constructor(clock: Clock) {
    this.cdrs = new MemoryCdrs(clock);
  }

  addUser(
    extension: string,
    permissions: readonly string[] = ['call:internal', 'call:emergency'],
  ): { user: User; device: Device } {
    const user: User = {
      id: randomUUID(),
      tenantId: this.tenant.id,
      username: `u${extension}`,
      extension,
      displayName: `User ${extension}`,
      email: null,
      mobile: null,
      state: 'active',
      isSuperAdmin: false,
      passwordHash: null,
      passwordChangedAt: null,
      createdAt: 0,
      updatedAt: 0,
    };
    const password = `secret-${extension}`;
    const device: Device = {
      id: randomUUID(),
      tenantId: this.tenant.id,
      userId: user.id,
      sipUsername: extension,
      label: 'phone',
      ha1Md5: computeHa1('MD5', extension, this.tenant.sipDomain, password),
      ha1Sha256: computeHa1('SHA-256', extension, this.tenant.sipDomain, password),
      createdAt: 0,
      secretRotatedAt: 0,
    };
    const group: Group = {
      id: randomUUID(),
      tenantId: this.tenant.id,
      name: `g${extension}`,
      description: '',
      isAdmin: false,
      permissions,
      createdAt: 0,
    };
    this.users.push(user);
    this.devices.push(device);
    this.groups.push(group);
    this.members.set(user.id, [group.id]);
    return { user, device };
  }

  /** Another device of a user (a second phone); it authenticates as `<extension>-<n>`. */
  addDevice(user: User): Device {
    const first = this.devices.find((d) => d.userId === user.id)!;
    const device: Device = {
      ...first,
      id: randomUUID(),
      sipUsername: `${user.extension}-${this.devices.length}`,
    };
    this.devices.push(device);
    return device;
  }

  repos(): CallRepos {
    const unused = (): never => {
      throw new Error('not used by call control');
    };
    const d = {
      tenant: this.tenant,
      users: this.users,
      devices: this.devices,
      groups: this.groups,
      members: this.members,
      settings: this.settings,
      statuses: this.statuses,
    };
    return {
      tenants: {
        findBySipDomain: async (domain: string) =>
          domain === d.tenant.sipDomain ? d.tenant : null,
        findById: async (id: string) => (id === d.tenant.id ? d.tenant : null),
        findByName: unused,
        create: unused,
        list: unused,
        update: unused,
        delete: unused,
      } as unknown as CallRepos['tenants'],
      users: {
        findById: async (id: string) => d.users.find((u) => u.id === id) ?? null,
        findByExtension: async (tenantId: string, ext: string) =>
          d.users.find((u) => u.tenantId === tenantId && u.extension === ext) ?? null,
      } as unknown as CallRepos['users'],
      devices: {
        findBySipDomainAndUsername: async (domain: string, name: string) =>
          domain === d.tenant.sipDomain
            ? (d.devices.find((x) => x.sipUsername === name) ?? null)
            : null,
      } as unknown as CallRepos['devices'],
      groups: {
        listGroupsOfUser: async (userId: string) =>
          d.groups.filter((g) => (d.members.get(userId) ?? []).includes(g.id)),
      } as unknown as CallRepos['groups'],
      tenantSettings: {
        get: async (tenantId: string, key: string) => {
          const value = d.settings.get(key);
          return value === undefined ? null : { tenantId, key, value, updatedAt: 0 };
        },
        list: async (tenantId: string) =>
          [...d.settings].map(([key, value]) => ({ tenantId, key, value, updatedAt: 0 })),
      } as unknown as CallRepos['tenantSettings'],
      cdrs: this.cdrs,
      presence: {
        get: async (userId: string) => {
          const status = d.statuses.get(userId);
          return status ? { tenantId: d.tenant.id, userId, status, updatedAt: 0 } : null;
        },
        set: async (tenantId: string, userId: string, status: StoredStatus) => {
          d.statuses.set(userId, status);
          return { tenantId, userId, status, updatedAt: 0 };
        },
        listByTenant: async (tenantId: string) =>
          [...d.statuses].map(([userId, status]) => ({ tenantId, userId, status, updatedAt: 0 })),
      },
    };
  }
}
