// A real Apache Kafka broker (one KRaft node, broker and controller in one JVM) for development, tests and CI, without
// Docker. The jars come from Maven Central through infra/kafka/pom.xml; each instance keeps its config, data, pid and
// log in infra/kafka/data/<instance>/.
//
//   node scripts/kafka.mjs start   fetch the jars if needed, start the broker in the background, wait until it answers
//   node scripts/kafka.mjs stop    stop it
//
// Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_INSTANCE (dev), JAVA_HOME (optional).
// As a library: `const kafka = await startKafka({ instance: 'test', port: 19092, controllerPort: 19093, fresh: true })`
// gives `kafka.brokers` and `await kafka.stop()`.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kafkaDir = path.join(root, 'infra', 'kafka');
const pomFile = path.join(kafkaDir, 'pom.xml');
const libDir = path.join(kafkaDir, 'lib');
const libMarker = path.join(libDir, '.complete');
const log4jFile = path.join(kafkaDir, 'log4j.properties');

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
// Logged by KafkaRaftServer once the broker is unfenced; the port already accepts connections a little earlier.
const STARTED_LINE = 'Kafka Server started';
const STARTED_GRACE_MS = 5_000;

const missingTool = {
  java:
    '`java` was not found ($JAVA_HOME/bin if JAVA_HOME is set, else PATH). The Kafka broker needs Java, ' +
    '17 recommended: e.g. `apt-get install openjdk-17-jre-headless` or `brew install openjdk@17`.',
  mvn:
    '`mvn` was not found on PATH. Maven fetches the Kafka jars from Maven Central, once: ' +
    'e.g. `apt-get install maven` or `brew install maven`.',
};

const javaCommand = () => (process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java');
const javaArgs = () => [`-Dlog4j.configuration=${pathToFileURL(log4jFile).href}`, '-cp', path.join(libDir, '*')];
const shown = (file) => path.relative(process.cwd(), file) || '.';

function instancePaths(instance) {
  if (!/^[\w.-]+$/.test(instance) || /^\.+$/.test(instance)) {
    throw new Error(`Invalid Kafka instance name: ${instance}`);
  }
  const dir = path.join(kafkaDir, 'data', instance);
  return {
    dir,
    storage: path.join(dir, 'storage'),
    config: path.join(dir, 'server.properties'),
    pidFile: path.join(dir, 'broker.pid'),
    logFile: path.join(dir, 'broker.log'),
  };
}

/** Runs a command to completion; resolves with its output, rejects with it. */
function run(tool, command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => reject(error.code === 'ENOENT' ? new Error(missingTool[tool]) : error));
    child.on('close', (code) => {
      if (code === 0) return resolve(output);
      // Maven 3.8 prints colour resets even in batch mode.
      const details = stripVTControlCharacters(output).trim();
      reject(new Error(`\`${tool} ${args.join(' ')}\` failed with exit code ${code}${details ? `:\n${details}` : ''}`));
    });
  });
}

/** Fetches the Kafka jars into infra/kafka/lib unless a complete fetch for the current pom.xml is already there. */
export async function ensureKafkaJars(log = console.log) {
  const pom = readFileSync(pomFile);
  const digest = createHash('sha256').update(pom).digest('hex');
  if (existsSync(libMarker) && readFileSync(libMarker, 'utf8') === digest) return libDir;
  const version = /<kafka\.version>([^<]+)</.exec(pom.toString())?.[1];
  log(`Fetching the Apache Kafka ${version} jars from Maven Central into ${shown(libDir)} (once)…`);
  rmSync(libDir, { recursive: true, force: true });
  const copy = ['dependency:copy-dependencies', `-DoutputDirectory=${libDir}`];
  await run('mvn', 'mvn', ['-q', '-B', '-f', pomFile, ...copy], { cwd: kafkaDir });
  writeFileSync(libMarker, digest);
  return libDir;
}

function serverProperties({ port, controllerPort, storage }) {
  return [
    '# Written by scripts/kafka.mjs on every start: change it there.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${storage}`,
    'num.partitions=4',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

// What `kafka.tools.StorageTool random-uuid` prints (16 random bytes, base64url), without starting a JVM for it.
function clusterId() {
  const id = randomBytes(16).toString('base64url');
  return id.startsWith('-') ? clusterId() : id;
}

function configuredPort(config) {
  const match =
    existsSync(config) && /^advertised\.listeners=PLAINTEXT:\/\/[^:]+:(\d+)/m.exec(readFileSync(config, 'utf8'));
  return match ? Number(match[1]) : undefined;
}

// A pid file can outlive its broker, and the pid be reused by an unrelated process; a zombie has an empty cmdline.
function isBroker(pid, config) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(config);
  } catch {
    return true; // No /proc (macOS): trust the signal check.
  }
}

function readPid(pidFile) {
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function runningPid({ pidFile, config }) {
  const pid = readPid(pidFile);
  if (pid && isBroker(pid, config)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

function portAnswers(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (answered) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function logSince(logFile, offset) {
  return existsSync(logFile) ? readFileSync(logFile).subarray(offset).toString('utf8') : '';
}

function brokerError(message, logFile, offset = 0) {
  const tail = logSince(logFile, offset).trimEnd().split('\n').slice(-20).join('\n');
  return new Error(`${message}. Broker log: ${shown(logFile)}${tail ? `\n${tail}` : ''}`);
}

/** Polls `ready` until it holds; false once `gone` holds or the timeout passes. */
async function waitFor(ready, { gone = () => false, timeoutMs }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return true;
    if (gone() || Date.now() > deadline) return false;
    await sleep(200);
  }
}

async function stopPid(pid, config) {
  const signal = (name) => {
    try {
      process.kill(pid, name);
    } catch (error) {
      if (error.code !== 'ESRCH') throw error;
    }
  };
  signal('SIGTERM');
  if (await waitFor(() => !isBroker(pid, config), { timeoutMs: STOP_TIMEOUT_MS })) return;
  signal('SIGKILL');
  await waitFor(() => !isBroker(pid, config), { timeoutMs: 5_000 });
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  // An unref'd timer, so that a broker exiting promptly does not leave this process waiting for it.
  const timeout = sleep(STOP_TIMEOUT_MS, 'timeout', { ref: false });
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

async function awaitRunning(pid, { port, instance, paths }) {
  const runningPort = configuredPort(paths.config);
  if (runningPort !== port) {
    throw new Error(
      `Kafka instance "${instance}" already runs on 127.0.0.1:${runningPort} (pid ${pid}), not on ${port}`,
    );
  }
  // It may still be starting, launched by another process a moment ago.
  const gone = () => !isBroker(pid, paths.config);
  if (!(await waitFor(() => portAnswers(port), { gone, timeoutMs: READY_TIMEOUT_MS }))) {
    throw brokerError(
      `The Kafka broker of instance "${instance}" (pid ${pid}) does not answer on 127.0.0.1:${port}`,
      paths.logFile,
    );
  }
}

/**
 * Starts the broker of an instance, or reuses it when it already runs; resolves once it answers.
 * `fresh` wipes the instance's data first (stopping its broker if needed). A broker this call starts dies with this
 * process unless `detached`; `stop()` stops it and resolves once it has exited. A reused broker is left running.
 */
export async function startKafka({
  port = Number(process.env.KAFKA_PORT ?? 9092),
  controllerPort = Number(process.env.KAFKA_CONTROLLER_PORT ?? 9093),
  instance = process.env.KAFKA_INSTANCE ?? 'dev',
  fresh = false,
  detached = false,
  log = console.log,
} = {}) {
  const paths = instancePaths(instance);
  const brokers = `127.0.0.1:${port}`;
  const running = runningPid(paths);
  if (running && fresh) {
    log(`Stopping the running Kafka broker of instance "${instance}" (pid ${running}) to start afresh…`);
    await stopPid(running, paths.config);
  } else if (running) {
    await awaitRunning(running, { port, instance, paths });
    log(`Kafka broker already running on ${brokers} (pid ${running})`);
    return { brokers, stop: async () => {} };
  }

  if (fresh) rmSync(paths.dir, { recursive: true, force: true });
  for (const taken of [port, controllerPort]) {
    if (await portAnswers(taken)) {
      throw new Error(
        `127.0.0.1:${taken} is already in use by another process: free it, or set KAFKA_PORT and KAFKA_CONTROLLER_PORT`,
      );
    }
  }
  await ensureKafkaJars(log);
  mkdirSync(paths.dir, { recursive: true });
  writeFileSync(paths.config, serverProperties({ port, controllerPort, storage: paths.storage }));
  if (!existsSync(path.join(paths.storage, 'meta.properties'))) {
    const format = ['kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', paths.config];
    await run('java', javaCommand(), [...javaArgs(), ...format]);
  }

  const logFd = openSync(paths.logFile, 'a');
  const logOffset = statSync(paths.logFile).size;
  const child = spawn(javaCommand(), ['-Xms256m', '-Xmx512m', ...javaArgs(), 'kafka.Kafka', paths.config], {
    cwd: paths.dir, // Where a JVM crash would leave its hs_err file.
    detached,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(error.code === 'ENOENT' ? new Error(missingTool.java) : error));
  });
  writeFileSync(paths.pidFile, `${child.pid}\n`);
  const stopOnExit = () => child.kill('SIGTERM');
  if (!detached) process.once('exit', stopOnExit);
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      process.off('exit', stopOnExit);
      await stopChild(child);
      if (readPid(paths.pidFile) === child.pid) rmSync(paths.pidFile, { force: true });
    })());

  const exited = () => child.exitCode !== null || child.signalCode !== null;
  let answeredAt;
  const ready = async () => {
    answeredAt ??= (await portAnswers(port)) ? Date.now() : undefined;
    if (answeredAt === undefined) return false;
    return logSince(paths.logFile, logOffset).includes(STARTED_LINE) || Date.now() - answeredAt > STARTED_GRACE_MS;
  };
  if (!(await waitFor(ready, { gone: exited, timeoutMs: READY_TIMEOUT_MS }))) {
    const failure = exited()
      ? `The Kafka broker exited during startup (${child.exitCode ?? child.signalCode})`
      : `The Kafka broker did not answer on ${brokers} within ${READY_TIMEOUT_MS / 1000} s`;
    await stop();
    throw brokerError(failure, paths.logFile, logOffset);
  }
  child.unref();
  log(`Kafka broker ready on ${brokers}`);
  return { brokers, stop };
}

/** Stops the broker of an instance, whoever started it; resolves once it has exited. */
export async function stopKafka({ instance = process.env.KAFKA_INSTANCE ?? 'dev', log = console.log } = {}) {
  const paths = instancePaths(instance);
  const pid = runningPid(paths);
  if (!pid) {
    log(`No Kafka broker running for instance "${instance}"`);
    return;
  }
  log(`Stopping the Kafka broker of instance "${instance}" (pid ${pid})…`);
  await stopPid(pid, paths.config);
  rmSync(paths.pidFile, { force: true });
  log('Kafka broker stopped');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const commands = { start: () => startKafka({ detached: true }), stop: () => stopKafka() };
  const command = commands[process.argv[2]];
  if (!command) {
    console.error('Usage: node scripts/kafka.mjs start|stop');
    process.exit(2);
  }
  try {
    await command();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
