// Runs a test file with the process's time zone behind UTC, where a JS Date names an earlier local day than
// its UTC day (so node-pg would send the day before for a SQL date); the zone found is put back afterwards.
import { TestEnvironment } from 'jest-environment-node';

export default class BehindUtcEnvironment extends TestEnvironment {
  async setup() {
    this.zoneBefore = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    await super.setup();
  }

  async teardown() {
    if (this.zoneBefore === undefined) delete process.env.TZ;
    else process.env.TZ = this.zoneBefore;
    await super.teardown();
  }
}
