/** The public HTTP API as the console calls it: same origin, the key in the x-api-key header only. */

export interface FieldProblem {
  field: string;
  reason: string;
}

/** An answer other than 2xx, in the API's one error shape {statusCode, code, message, errors?}. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(message);
  }

  /** The reason given for one field, or for a field under it (`data.reason` for `reason`). */
  reasonFor(field: string): string | undefined {
    return this.errors.find((e) => e.field === field || e.field.endsWith(`.${field}`))?.reason;
  }
}

const KEY_STORAGE = 'c360.apiKey';

export const apiKeyStore = {
  get: (): string | null => sessionStorage.getItem(KEY_STORAGE),
  set: (key: string) => sessionStorage.setItem(KEY_STORAGE, key),
  clear: () => sessionStorage.removeItem(KEY_STORAGE),
};

export type Query = Record<string, string | number | undefined | null>;

export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class ApiClient {
  constructor(private readonly key: string) {}

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.send<T>('GET', `${path}${queryString(query)}`, undefined, signal);
  }

  post<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.send<T>('POST', `${path}${queryString(query)}`, body);
  }

  private async send<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const response = await this.fetch(method, path, body, signal);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private async fetch(method: string, path: string, body: unknown, signal?: AbortSignal) {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        signal,
        headers: {
          'x-api-key': this.key,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiProblem(0, 'NETWORK', 'network');
    }
    if (!response.ok) {
      const answer = (await response.json().catch(() => ({}))) as {
        code?: string;
        message?: string;
        errors?: FieldProblem[];
      };
      throw new ApiProblem(
        response.status,
        answer.code ?? `HTTP_${response.status}`,
        answer.message ?? response.statusText,
        answer.errors ?? [],
      );
    }
    return response;
  }
}
