import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's top folder. */
export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The cache of Node.js and the Go-built tools; PLANNER_CACHE_DIR moves it. */
export const cacheDir = process.env.PLANNER_CACHE_DIR ?? join(repositoryRoot, '.cache');
