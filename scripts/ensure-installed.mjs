// Installs dependencies and builds when needed, so that `npm start` works on a fresh clone; the console is
// built only by the scripts that serve or test it.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const consoleDir = path.join(root, 'apps', 'console');

/** Newest modification time of the matching files under dir, leaving out the folders in skip. */
function newestMtime(dir, matches = (name) => name.endsWith('.ts'), skip = [consoleDir]) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.includes(full)) newest = Math.max(newest, newestMtime(full, matches, skip));
    } else if (matches(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** The web console's static build (served at /console), rebuilt when its sources are newer. */
export function ensureConsoleBuilt() {
  const page = path.join(root, 'dist', 'console', 'index.html');
  const sources = Math.max(
    newestMtime(consoleDir, (name) => !name.endsWith('.spec.ts'), [path.join(consoleDir, 'test')]),
    statSync(path.join(root, 'package-lock.json')).mtimeMs,
  );
  if (!existsSync(page) || statSync(page).mtimeMs < sources) {
    console.log('Building the web console…');
    execSync('npm run --silent build:console', { cwd: root, stdio: 'inherit' });
  }
}

export function ensureInstalled({ build = true } = {}) {
  const lock = path.join(root, 'package-lock.json');
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
    console.log('Installing dependencies (first run)…');
    execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
  }
  if (!build) return;
  const entry = path.join(root, 'dist', 'apps', 'c360', 'src', 'main.js');
  const sources = Math.max(newestMtime(path.join(root, 'apps')), newestMtime(path.join(root, 'libs')));
  if (!existsSync(entry) || statSync(entry).mtimeMs < sources) {
    console.log('Building…');
    execSync('npm run --silent build:server', { cwd: root, stdio: 'inherit' });
  }
}

export { root };
