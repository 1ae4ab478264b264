/**
 * A small typed client of the planner HTTP API, for scripts such as the
 * demo. It uses only `fetch`, so it runs wherever Node.js 24 does, and raises
 * PlannerApiError with the server's problem document on any error status.
 */

/** An error response of the API, with its RFC 9457 problem document. */
export class PlannerApiError extends Error {
  readonly status: number;
  readonly problem: unknown;

  constructor(method: string, path: string, status: number, problem: unknown) {
    const detail = (problem as { detail?: unknown } | null)?.detail;
    super(`${method} ${path} failed with HTTP ${status}${typeof detail === 'string' ? `: ${detail}` : ''}`);
    this.name = 'PlannerApiError';
    this.status = status;
    this.problem = problem;
  }
}

/** A created or read row; the API documents every field in /api/v1/openapi.json. */
export type ApiObject = Record<string, unknown> & { id: string };

/** A session returned by register and login. */
export interface PlannerSession {
  readonly user: ApiObject & { email: string };
  readonly token: string;
  readonly expiresAt: string;
}

/** Calls the planner API at a base URL such as http://127.0.0.1:8080, as one user once a token is set. */
export class PlannerClient {
  readonly baseUrl: string;
  #token: string | undefined;

  constructor(baseUrl: string, token?: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#token = token;
  }

  /** Sends one request and returns the parsed JSON body (undefined for 204). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.#token === undefined ? {} : { authorization: `Bearer ${this.#token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) throw new PlannerApiError(method, path, response.status, parsed);
    return parsed as T;
  }

  /** Registers a user and keeps the returned token for later calls. */
  async register(email: string, password: string, name = ''): Promise<PlannerSession> {
    const session = await this.request<PlannerSession>('POST', '/api/v1/auth/register', { email, password, name });
    this.#token = session.token;
    return session;
  }

  /** Logs in and keeps the returned token for later calls. */
  async login(email: string, password: string): Promise<PlannerSession> {
    const session = await this.request<PlannerSession>('POST', '/api/v1/auth/login', { email, password });
    this.#token = session.token;
    return session;
  }

  createProject(project: { name: string; description?: string; colour?: string }): Promise<ApiObject> {
    return this.request('POST', '/api/v1/projects', project);
  }

  /** Deletes a project; with `cascade` its tasks go too, else a project with tasks is kept (HTTP 409). */
  deleteProject(id: string, cascade = false): Promise<{ deletedTasks: number }> {
    return this.request('DELETE', `/api/v1/projects/${id}${cascade ? '?cascade=true' : ''}`);
  }

  createTask(task: Record<string, unknown> & { title: string }): Promise<ApiObject> {
    return this.request('POST', '/api/v1/tasks', task);
  }

  /** Lists one page of tasks; `query` contains list parameters such as `{ status: 'todo', sort: 'dueAt' }`. */
  listTasks(query: Record<string, string> = {}): Promise<{ items: ApiObject[]; nextCursor: string | null }> {
    const search = new URLSearchParams(query).toString();
    return this.request('GET', `/api/v1/tasks${search === '' ? '' : `?${search}`}`);
  }

  createEvent(event: Record<string, unknown> & { title: string; startAt: string; endAt: string }): Promise<ApiObject> {
    return this.request('POST', '/api/v1/events', event);
  }

  /** Sends a plain-language command; with `execute` the planned actions are applied in one transaction. */
  runCommand(
    text: string,
    options: { execute?: boolean; timeZone?: string; now?: string } = {},
  ): Promise<{ interpreter: string; actions: unknown[]; executed: boolean; results: unknown[] }> {
    return this.request('POST', '/api/v1/commands', { text, execute: options.execute ?? false, ...options });
  }
}

/** Rows and command results created by {@link fillDemoData}. */
export interface DemoData {
  readonly session: PlannerSession;
  readonly projects: ApiObject[];
  readonly tasks: ApiObject[];
  readonly events: ApiObject[];
  readonly commandResults: unknown[];
}

/**
 * Registers a user and fills their planner through the API: two projects,
 * tasks with tags, priorities and a dependency, two events, and three
 * plain-language commands executed by the server. Times are relative to `now`.
 */
export async function fillDemoData(
  baseUrl: string,
  account: { email: string; password: string; name?: string },
  now = new Date(),
): Promise<DemoData> {
  const client = new PlannerClient(baseUrl);
  const session = await client.register(account.email, account.password, account.name ?? 'Demo user');
  const hours = (count: number): string => new Date(now.getTime() + count * 3_600_000).toISOString();

  const website = await client.createProject({
    name: 'Website',
    description: 'Relaunch of the public site',
    colour: '#2563eb',
  });
  const finance = await client.createProject({ name: 'Finance', description: 'Quarter close', colour: '#0f766e' });
  const draft = await client.createTask({
    title: 'Draft the landing page copy',
    projectId: website.id,
    priority: 'high',
    tags: ['copy'],
    dueAt: hours(24),
    estimateMinutes: 90,
  });
  const review = await client.createTask({
    title: 'Review the landing page',
    projectId: website.id,
    tags: ['review'],
    dueAt: hours(48),
    blockedBy: [draft.id],
  });
  const invoices = await client.createTask({
    title: 'Send the December invoices',
    projectId: finance.id,
    priority: 'urgent',
    tags: ['finance'],
    dueAt: hours(6),
  });
  const rent = await client.createTask({
    title: 'Pay the office rent',
    projectId: finance.id,
    tags: ['finance'],
    dueAt: hours(72),
    recurrence: { frequency: 'monthly', interval: 1 },
  });
  const sync = await client.createEvent({
    title: 'Website sync',
    startAt: hours(26),
    endAt: hours(27),
    location: 'Room 2',
  });
  const close = await client.createEvent({ title: 'Quarter close review', startAt: hours(50), endAt: hours(51.5) });

  const commandResults: unknown[] = [];
  for (const text of [
    'remind me to renew the domain name Friday 9am #admin +Website',
    'lunch with the design team tomorrow 12:30-1:30pm',
    'mark the December invoices as done',
  ]) {
    commandResults.push(await client.runCommand(text, { execute: true, now: now.toISOString() }));
  }
  return {
    session,
    projects: [website, finance],
    tasks: [draft, review, invoices, rent],
    events: [sync, close],
    commandResults,
  };
}
