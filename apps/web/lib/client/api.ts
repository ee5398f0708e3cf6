'use client';

const KEY_STORAGE = 'blockops.apiKey';

export function getApiKey(): string | undefined {
  if (typeof window === 'undefined') return undefined;
  return window.localStorage.getItem(KEY_STORAGE) ?? undefined;
}

export function setApiKey(key: string) {
  if (key) window.localStorage.setItem(KEY_STORAGE, key);
  else window.localStorage.removeItem(KEY_STORAGE);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: { field: string; message: string; id?: string; path?: string[] }[] = [],
    /** the whole answer, for fields beyond `error` and `issues` (e.g. a 409's `ids`) */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** fetch for /api: sends the stored key, parses JSON, throws ApiError with the server's words. */
export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const key = getApiKey();
  const res = await fetch(path, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...init?.headers,
    },
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body.error ?? `HTTP ${res.status}`, body.issues, body);
  return body as T;
}
