/**
 * A fake REST API for the models' tests: canned answers, every call recorded, no network.
 */
import {
  Api,
  ICondarcChannels,
  IConnectRequest,
  IPreferences,
  IRenewRequest,
  IServiceInfo,
  ISsoRequest,
  IStatus
} from '../api';
import { PanelModel } from '../models/panel';

const PASSWORD = {
  id: 'password',
  fields: [
    { name: 'username', label: 'user name', secret: false },
    { name: 'password', label: 'password', secret: true, strip: false }
  ],
  submit: 'Login'
};

export const SSO_METHOD = { id: 'sso', fields: [], submit: 'Sign in with single sign-on' };
export const ACCESS_TOKEN = {
  id: 'access_token',
  fields: [{ name: 'token', label: 'access token', secret: true, strip: true }],
  submit: 'Set Token'
};
/** Anaconda Server as it is now: password, single sign-on, access token. */
export const SERVER_METHODS = [PASSWORD, SSO_METHOD, ACCESS_TOKEN];

export const SERVICES: IServiceInfo[] = [
  {
    id: 'cloud',
    title: 'Anaconda Professional / Package Security Manager (Cloud)',
    short_title: 'Anaconda Professional',
    needs_domain: false,
    domain_label: null,
    sign_in: [
      {
        id: 'token',
        fields: [{ name: 'token', label: 'token', secret: true }],
        submit: 'Set Token'
      }
    ]
  },
  {
    id: 'server',
    title: 'Anaconda Server / Package Security Manager (On-prem)',
    short_title: 'Anaconda Server',
    needs_domain: true,
    domain_label: 'Anaconda Server domain',
    sign_in: [PASSWORD]
  },
  {
    id: 'enterprise',
    title: 'Anaconda Enterprise 4 Repository',
    short_title: 'Enterprise 4 Repository',
    needs_domain: true,
    domain_label: 'Enterprise 4 Repository API domain',
    sign_in: [PASSWORD]
  }
];

export function preferences(overrides: Partial<IPreferences> = {}): IPreferences {
  return {
    allow_domain_change: true,
    allowed_services: ['cloud', 'server', 'enterprise'],
    services: SERVICES,
    domains: { server: null, enterprise: null },
    default_service: 'server',
    ...overrides
  };
}

export const SIGNED_OUT: IStatus = {
  connected: false,
  service: null,
  domain: null,
  username: null,
  channels: ['defaults'],
  default_channels: null,
  source: null,
  condarc_path: '/home/u/.condarc',
  message: null,
  warnings: [],
  service_title: null,
  sign_out_note: null,
  capabilities: null
};

/** Signed in to a repository that lists its channels. */
export const LISTING: IStatus = {
  ...SIGNED_OUT,
  connected: true,
  service: 'server',
  domain: 'https://repo.example.com',
  username: 'demo',
  channels: [],
  source: 'repoconnect',
  service_title: 'Anaconda Server / Package Security Manager (On-prem)',
  sign_out_note: '.condarc is back to how it was before the sign-in.',
  capabilities: {
    lists_channels: true,
    channels_by_hand: false,
    organisation_channels: false,
    names_resolve_under_alias: true,
    can_revoke: true
  }
};

export function condarc(channels: string[], defaults: string[] | null = null): ICondarcChannels {
  return {
    path: '/home/u/.condarc',
    channels,
    default_channels: defaults,
    version: `v-${channels.join(',')}`,
    exists: true
  };
}

/** The fake's state: tests change `status` to act as another surface would. */
export interface IFakeServer {
  status: IStatus;
  etag: number;
  preferences: IPreferences;
  condarc: ICondarcChannels;
}

export function fakeApi(server: IFakeServer): jest.Mocked<Api> {
  const etag = () => `"${JSON.stringify(server.status).length}-${server.etag}"`;
  return {
    status: jest.fn(async () => server.status),
    statusIfChanged: jest.fn(async (seen: string | null) =>
      seen === etag() ? null : { status: server.status, etag: etag() }
    ),
    connect: jest.fn(async (_body: IConnectRequest, _signal?: AbortSignal) => server.status),
    cancelConnect: jest.fn(async (_attempt: string) => server.status),
    channels: jest.fn(async (q: string, offset: number, limit: number) => ({
      items: Array.from({ length: Math.min(limit, 120 - offset) }, (_, i) => ({
        name: `${q || 'ch'}-${offset + i}`,
        url: `https://repo.example.com/${q || 'ch'}-${offset + i}`,
        privacy: null,
        description: null
      })),
      total: 120,
      offset,
      limit,
      q
    })),
    addChannels: jest.fn(async body => {
      server.condarc = condarc(
        [...server.condarc.channels, ...body.channels],
        body.default_channels.length
          ? [...(server.condarc.default_channels ?? []), ...body.default_channels]
          : server.condarc.default_channels
      );
      server.status = {
        ...server.status,
        channels: server.condarc.channels,
        default_channels: server.condarc.default_channels
      };
      return server.condarc;
    }),
    condarc: jest.fn(async () => server.condarc),
    putCondarc: jest.fn(async body => {
      server.condarc = condarc(
        body.channels ?? server.condarc.channels,
        body.default_channels === undefined
          ? server.condarc.default_channels
          : body.default_channels
      );
      return server.condarc;
    }),
    disconnect: jest.fn(async () => {
      server.status = SIGNED_OUT;
      return server.status;
    }),
    preferences: jest.fn(async () => server.preferences),
    putPreferences: jest.fn(async body => {
      server.preferences = {
        ...server.preferences,
        domains: { ...server.preferences.domains, ...body.domains }
      };
      return server.preferences;
    }),
    doctor: jest.fn(async () => ({ ok: true, findings: [] })),
    renew: jest.fn(async (_body: IRenewRequest) => server.status),
    startSso: jest.fn(async (_body: ISsoRequest) => ({
      id: 'sso-1',
      authorization_url: 'https://idp.example.com/auth?state=s',
      redirect_uri: 'http://localhost:8765/',
      expires_in: 600,
      listening: false
    })),
    finishSso: jest.fn(async (_id: string, _address: string) => server.status),
    ssoProgress: jest.fn(async (_id: string) => ({
      state: 'waiting' as const,
      status: null,
      error: null,
      message: null
    })),
    cancelSso: jest.fn(async (_id: string) => server.status)
  } as jest.Mocked<Api>;
}

export function setUp(
  status: IStatus = SIGNED_OUT,
  prefs: IPreferences = preferences(),
  /** Whether the page counts as loaded on the Jupyter server's machine (single sign-on). */
  sameMachine = false
): { server: IFakeServer; api: jest.Mocked<Api>; model: PanelModel; opened: string[] } {
  const server: IFakeServer = {
    status,
    etag: 0,
    preferences: prefs,
    condarc: condarc(status.channels, status.default_channels)
  };
  const api = fakeApi(server);
  const accountApi = {} as any; // the account section is not under test here
  const opened: string[] = [];
  const model = new PanelModel({
    api,
    accountApi,
    searchDelay: 0,
    openSignInPage: url => opened.push(url),
    browserOnServerMachine: () => sameMachine
  });
  return { server, api, model, opened };
}

/** Let pending promises (and the models' chained requests) settle. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
}
