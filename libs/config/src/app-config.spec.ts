import { InvalidConfiguration, loadConfig } from './app-config.js';

function problemOf(env: NodeJS.ProcessEnv): InvalidConfiguration {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfiguration) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw InvalidConfiguration, but it returned');
}

describe('loadConfig', () => {
  it('given an empty environment, when loaded, then the defaults apply', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.PROJECTOR).toBe('on');
    expect(config.DEFAULT_PHONE_COUNTRY).toBe('ES');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.API_KEY).toBeUndefined();
  });

  it('given PORT "8080", when loaded, then PORT is the number 8080', () => {
    const config = loadConfig({ PORT: '8080' });
    expect(config.PORT).toBe(8080);
    expect(typeof config.PORT).toBe('number');
  });

  it('given a postgres DATABASE_URL and other settings, when loaded, then they are kept', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://c360@localhost:5432/c360',
      HOST: '0.0.0.0',
      PROJECTOR: 'off',
      DATABASE_POOL_SIZE: '20',
    });
    expect(config.DATABASE_URL).toBe('postgres://c360@localhost:5432/c360');
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.PROJECTOR).toBe('off');
    expect(config.DATABASE_POOL_SIZE).toBe(20);
  });

  it('given an empty DATABASE_URL, when loaded, then the embedded database is used (no URL)', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('given unrelated environment variables, when loaded, then they are ignored', () => {
    const config = loadConfig({ PATH: '/usr/bin', HOME: '/root' });
    expect(config.PORT).toBe(3000);
    expect(Object.keys(config)).not.toContain('PATH');
  });

  it('given PORT "abc" and DATABASE_URL "mysql://x", when loaded, then InvalidConfiguration names both', () => {
    const error = problemOf({ PORT: 'abc', DATABASE_URL: 'mysql://x' });
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('DATABASE_URL');
    expect(error.problems).toHaveLength(2);
  });

  it('given PORT 70000, when loaded, then it is rejected', () => {
    expect(problemOf({ PORT: '70000' }).message).toContain('PORT');
  });

  it('given PROJECTOR "maybe", when loaded, then it is rejected', () => {
    expect(problemOf({ PROJECTOR: 'maybe' }).message).toContain('PROJECTOR');
  });

  it('given an API_KEY shorter than 16 characters, when loaded, then it is rejected', () => {
    expect(problemOf({ API_KEY: 'short' }).message).toContain('API_KEY');
  });

  it('given a lower-case DEFAULT_PHONE_COUNTRY, when loaded, then it is rejected', () => {
    expect(problemOf({ DEFAULT_PHONE_COUNTRY: 'es' }).message).toContain('DEFAULT_PHONE_COUNTRY');
  });

  it('given no EVENT_STORE, when loaded, then events go to PostgreSQL and no EVENTSTORE_URL is needed', () => {
    const config = loadConfig({});
    expect(config.EVENT_STORE).toBe('postgres');
    expect(config.EVENTSTORE_URL).toBeUndefined();
  });

  it('given EVENT_STORE=eventstoredb and an esdb:// URL, when loaded, then both are kept', () => {
    const config = loadConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'esdb://eventstoredb:2113?tls=false' });
    expect(config.EVENT_STORE).toBe('eventstoredb');
    expect(config.EVENTSTORE_URL).toBe('esdb://eventstoredb:2113?tls=false');
  });

  it('given EVENT_STORE=eventstoredb without EVENTSTORE_URL, when loaded, then it names EVENTSTORE_URL as required', () => {
    const error = problemOf({ EVENT_STORE: 'eventstoredb' });
    expect(error.problems).toEqual([expect.stringMatching(/^EVENTSTORE_URL=.*required when EVENT_STORE=eventstoredb/)]);
  });

  it('given an EVENTSTORE_URL that is not esdb://, or an unknown EVENT_STORE, when loaded, then both are rejected', () => {
    const error = problemOf({ EVENT_STORE: 'mongodb', EVENTSTORE_URL: 'http://localhost:2113' });
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain('EVENT_STORE=');
    expect(error.message).toContain('must be an esdb:// or esdb+discover:// URL');
  });
});
