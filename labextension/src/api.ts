/**
 * Requests to the server extension's REST API (docs/rest-api.md is the contract).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** What a surface may offer for the connected service (the server decides, never the panel). */
export interface ICapabilities {
  /** The repository lists its channels: the channel picker. */
  lists_channels: boolean;
  /** The user adds channels by name or URL. */
  channels_by_hand: boolean;
  /** Channels are an organisation's, under the repository (the org-channel builder). */
  organisation_channels: boolean;
  /** A sign-in writes `channel_alias`, so a bare channel name resolves to the repository. */
  names_resolve_under_alias: boolean;
  /** Sign-out revokes the token on the service. */
  can_revoke: boolean;
}

/** One value a sign-in method takes; `name` is its key in the connect request. */
export interface ISignInField {
  name: string;
  label: string;
  secret: boolean;
  /** Whether surrounding spaces are removed (default: unless secret). */
  strip?: boolean;
}

export interface ISignInMethod {
  id: string;
  fields: ISignInField[];
  /** The reference's button label: "Set Token", "Login". */
  submit: string;
}

/** A repository service as the server describes it (registry order). */
export interface IServiceInfo {
  id: string;
  title: string;
  short_title: string;
  needs_domain: boolean;
  domain_label: string | null;
  sign_in: ISignInMethod[];
}

export interface IStatus {
  connected: boolean;
  /** A registry id: only used as a key, never compared with a name. */
  service: string | null;
  domain: string | null;
  username: string | null;
  channels: string[];
  default_channels: string[] | null;
  source: 'repoconnect' | 'cli' | null;
  condarc_path: string;
  message: string | null;
  warnings: string[];
  /** Server connections: the `channel_alias` written to `.condarc` (newer servers). */
  channel_alias?: string | null;
  /** The connected service's full name. */
  service_title?: string | null;
  /** What a sign-out will do to `.condarc`. */
  sign_out_note?: string | null;
  /** Null when not connected. */
  capabilities?: ICapabilities | null;
  /** Other package managers holding this connection (`rattler`, `mamba`). */
  package_managers?: string[];
  /** When the token of a sign-in made here expires (ISO date or time), where the service said. */
  expires_at?: string | null;
  /** In a sign-in's answer: what it changed in `.condarc` (empty in a status read later). */
  changes?: IChange[];
}

/** One key a sign-in changed in `.condarc`, with the words every surface shows. */
export interface IChange {
  key: string;
  before: unknown;
  after: unknown;
  text: string;
}

/** Said after the changes of a sign-in, on every surface (core/changes.py RESTORED). */
export const CHANGES_RESTORED = 'Your previous .condarc is saved and comes back at sign-out.';

export interface IChannel {
  name: string;
  url: string;
  privacy: string | null;
  description: string | null;
}

export interface IChannelPage {
  items: IChannel[];
  total: number;
  offset: number;
  limit: number;
  q: string;
}

export interface ICondarcChannels {
  path: string;
  channels: string[];
  default_channels: string[] | null;
  version: string;
  exists: boolean;
}

export interface IPreferences {
  allow_domain_change: boolean;
  allowed_services: string[];
  /** Every service the server knows, in the order surfaces offer them. */
  services: IServiceInfo[];
  /** The remembered domain of each service that needs one. */
  domains: Record<string, string | null>;
  default_service: string | null;
  /** The sign-in method to offer first, per service (an id of its `sign_in`). */
  default_methods?: Record<string, string>;
  /** What each id of a status' `package_managers` means to a person. */
  package_managers?: Record<string, string>;
}

export interface IFinding {
  check: string;
  ok: boolean;
  message: string;
  hint: string | null;
}

/** What a diagnosis was computed for: the connection, or a sign-in that was attempted. */
export interface IChecked {
  connected: boolean;
  service: string | null;
  domain: string | null;
  username: string | null;
  /** The checks of a sign-in attempted (service + domain), not of a connection. */
  attempt: boolean;
}

export interface IDiagnosis {
  ok: boolean;
  findings: IFinding[];
  checked?: IChecked | null;
}

/** A sign-in to check (never its password): what the doctor takes after a failed one. */
export interface IAttempted {
  service: string;
  /** The domain typed; absent: the remembered one. */
  domain?: string;
  method?: string;
}

export interface IConnectRequest {
  service: string;
  domain?: string;
  /** Only after the user confirmed "Trust this server" (writes `ssl_verify: false`). */
  trust_server?: boolean;
  /** An id for this sign-in: `cancelConnect` with it cancels it on the server. */
  attempt?: string;
  /** The sign-in method's fields by name: username, password, token. */
  [field: string]: string | boolean | undefined;
}

export interface IRenewRequest {
  method?: string;
  username?: string;
  password?: string;
  token?: string;
}

export interface ISsoRequest {
  domain?: string;
  trust_server?: boolean;
  listen?: boolean;
}

export interface ISsoStart {
  id: string;
  /** The provider's sign-in page, to open in a new tab. */
  authorization_url: string;
  /** Where the browser lands after signing in: http://localhost:<port>/. */
  redirect_uri: string;
  expires_in: number;
  listening: boolean;
}

/** A started single sign-on, asked while the server's listener waits for the browser. */
export interface ISsoProgress {
  state: 'waiting' | 'signed_in' | 'failed';
  status: IStatus | null;
  /** The error code when it failed. */
  error: string | null;
  /** Safe to show. */
  message: string | null;
}

export interface IAddChannelsRequest {
  channels: string[];
  default_channels: string[];
}

export interface ICondarcUpdate {
  channels?: string[];
  default_channels?: string[] | null;
  version: string;
  confirm_defaults?: boolean;
}

export interface IPreferencesUpdate {
  /** Service id → domain. */
  domains: Record<string, string>;
}

/** An error reply of the API, or a failure to reach it; `message` is safe to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The connection changed under the user (the server says so): show the real state. */
    readonly stateMoved = false
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Call `{baseUrl}repoconnect/{endPoint}` and return the decoded JSON answer. */
export async function requestAPI<T>(
  endPoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, 'repoconnect', endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') {
      throw error;
    }
    throw new ApiError(
      0,
      'network',
      'The Jupyter server could not be reached. Check that it is still running.'
    );
  }
  const text = await response.text();
  let data: any = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    if (data && typeof data.message === 'string') {
      throw new ApiError(
        response.status,
        String(data.error ?? 'error'),
        data.message,
        data.state_moved === true
      );
    }
    const hint =
      response.status === 404
        ? 'The jupyter_repoconnect server extension is not enabled on this Jupyter server.'
        : `The Jupyter server answered ${response.status} ${response.statusText}.`;
    throw new ApiError(response.status, 'http_error', hint);
  }
  return data as T;
}

function json(method: string, body?: unknown, signal?: AbortSignal): RequestInit {
  const init: RequestInit = { method, signal };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'Content-Type': 'application/json' };
  }
  return init;
}

/** One typed function per route, bound to one server's connection settings. */
export function createApi(settings: ServerConnection.ISettings = ServerConnection.makeSettings()) {
  const call = <T>(endPoint: string, init: RequestInit = {}): Promise<T> =>
    requestAPI<T>(endPoint, init, settings);
  return {
    status: (): Promise<IStatus> => call<IStatus>('status'),
    /** The cheap change signal: null (HTTP 304) while the status still has `etag`. */
    statusIfChanged: (etag: string | null): Promise<IVersionedStatus | null> =>
      statusIfChanged(etag, settings),
    connect: (body: IConnectRequest, signal?: AbortSignal): Promise<IStatus> =>
      call<IStatus>('connect', json('POST', body, signal)),
    /** Cancel the running sign-in sent with `attempt`: nothing is written, and what the
     * service had created is revoked (the sign-in's own request then fails). */
    cancelConnect: (attempt: string): Promise<IStatus> =>
      call<IStatus>(`connect?${new URLSearchParams({ attempt })}`, { method: 'DELETE' }),
    renew: (body: IRenewRequest): Promise<IStatus> => call<IStatus>('renew', json('POST', body)),
    startSso: (body: ISsoRequest): Promise<ISsoStart> => call<ISsoStart>('sso', json('POST', body)),
    finishSso: (id: string, redirectAddress: string): Promise<IStatus> =>
      call<IStatus>('sso/finish', json('POST', { id, redirect_address: redirectAddress })),
    ssoProgress: (id: string): Promise<ISsoProgress> =>
      call<ISsoProgress>(`sso?${new URLSearchParams({ id })}`),
    cancelSso: (id: string): Promise<IStatus> =>
      call<IStatus>(`sso?${new URLSearchParams({ id })}`, { method: 'DELETE' }),
    channels: (
      q: string,
      offset: number,
      limit: number,
      signal?: AbortSignal
    ): Promise<IChannelPage> => {
      const query = new URLSearchParams({
        q,
        offset: String(offset),
        limit: String(limit)
      });
      return call<IChannelPage>(`channels?${query}`, { signal });
    },
    addChannels: (body: IAddChannelsRequest): Promise<ICondarcChannels> =>
      call<ICondarcChannels>('channels', json('POST', body)),
    condarc: (): Promise<ICondarcChannels> => call<ICondarcChannels>('condarc'),
    putCondarc: (body: ICondarcUpdate): Promise<ICondarcChannels> =>
      call<ICondarcChannels>('condarc', json('PUT', body)),
    disconnect: (): Promise<IStatus> => call<IStatus>('disconnect', json('POST', {})),
    preferences: (): Promise<IPreferences> => call<IPreferences>('preferences'),
    putPreferences: (body: IPreferencesUpdate): Promise<IPreferences> =>
      call<IPreferences>('preferences', json('PUT', body)),
    /** The connection's checks; with `attempted`, the checks of that sign-in instead. */
    doctor: (attempted?: IAttempted): Promise<IDiagnosis> => {
      const given = Object.entries(attempted ?? {}).filter(([, v]) => !!v) as string[][];
      return call<IDiagnosis>(given.length ? `doctor?${new URLSearchParams(given)}` : 'doctor');
    }
  };
}

export type Api = ReturnType<typeof createApi>;

export interface IVersionedStatus {
  status: IStatus;
  etag: string | null;
}

/** GET status with If-None-Match: the server answers 304 without a body while unchanged. */
async function statusIfChanged(
  etag: string | null,
  settings: ServerConnection.ISettings
): Promise<IVersionedStatus | null> {
  const url = URLExt.join(settings.baseUrl, 'repoconnect', 'status');
  const init: RequestInit = etag ? { headers: { 'If-None-Match': etag } } : {};
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch {
    throw new ApiError(
      0,
      'network',
      'The Jupyter server could not be reached. Check that it is still running.'
    );
  }
  if (response.status === 304) {
    return null;
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(
      response.status,
      String(data?.error ?? 'http_error'),
      data?.message ?? `The Jupyter server answered ${response.status}.`,
      data?.state_moved === true
    );
  }
  return { status: data as IStatus, etag: response.headers.get('ETag') };
}
