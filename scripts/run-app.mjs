// Runs a built app (installing and building first when needed): `node scripts/run-app.mjs <app> [args…]`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureInstalled, root } from './ensure-installed.mjs';

const [app, ...args] = process.argv.slice(2);
ensureInstalled();
const child = spawn(
  process.execPath,
  ['--enable-source-maps', path.join(root, `dist/apps/${app}/src/main.js`), ...args],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
