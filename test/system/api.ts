/** A small client of the planner HTTP API, used by the demo and the e2e test. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(method: string, path: string, status: number, body: unknown) {
    const detail = typeof body === 'object' && body !== null ? JSON.stringify(body).slice(0, 400) : String(body);
    super(`${method} ${path} answered ${status}: ${detail}`);
    this.status = status;
    this.body = body;
  }
}

export class PlannerApi {
  readonly baseUrl: string;
  token: string | undefined;

  constructor(baseUrl: string, token?: string) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) throw new ApiError(method, path, response.status, parsed);
    return parsed as T;
  }

  /** Follows nextCursor through every page of a list endpoint and returns all items. */
  async listAll<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    const separator = path.includes('?') ? '&' : '?';
    for (let page = 0; page < 10_000; page += 1) {
      const query: string = `${separator}limit=200${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const result: { items: T[]; nextCursor: string | null } = await this.request('GET', `${path}${query}`);
      items.push(...result.items);
      cursor = result.nextCursor;
      if (cursor === null) return items;
    }
    throw new Error(`${path} returned more than 10,000 pages`);
  }
}

/**
 * Runs `work` over `items` with at most `concurrency` calls in flight, reporting each completion.
 * The first failure stops new calls and is thrown once the calls in flight have settled.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
  onDone?: (done: number) => void,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  let failure: unknown;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failure ??= error;
        return;
      }
      done += 1;
      onDone?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  if (failure !== undefined) throw failure;
  return results;
}
