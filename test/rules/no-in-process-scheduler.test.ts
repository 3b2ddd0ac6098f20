import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-in-process-scheduler';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;
const LIBRARY = 'schedules a job inside the web server process: every instance runs it — move it to a worker entry point, or use a distributed scheduler (BullMQ repeatable jobs, a platform cron) or a lock';

describe(RULE, () => {
  it('flags node-cron in the server entry point and in a module it imports (ESM and CommonJS)', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'node-cron-in-server');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/jobs/cleanup.job.js', line: 4, column: 1, message: `\`cron.schedule(…)\` ${LIBRARY}` },
      { file: 'src/server.ts', line: 9, column: 1, message: `\`cron.schedule(…)\` ${LIBRARY}` },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags cron `new CronJob`, `CronJob.from` and node-schedule `scheduleJob` in start-up code', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'cron-and-node-schedule'));
    expect(found.map(at)).toEqual(['src/jobs/reports.ts:7:17', 'src/jobs/reports.ts:12:3', 'src/jobs/reports.ts:20:3']);
    expect(found.map((f) => f.message)).toEqual([`\`new CronJob(…)\` ${LIBRARY}`, `\`CronJob.from(…)\` ${LIBRARY}`, `\`scheduleJob(…)\` ${LIBRARY}`]);
  });

  it('flags croner jobs given by name', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'croner-job'));
    expect(found.map(at)).toEqual(['src/jobs/maintenance.js:9:3']);
    expect(found[0]?.message).toBe(`\`new Cron(…)\` ${LIBRARY}`);
  });

  it('flags NestJS @Cron and @Interval in an app that listens', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'nestjs-cron-decorators');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/billing/billing.scheduler.ts',
        line: 9,
        column: 3,
        message: '`@Cron(…)` on `chargeRenewals` runs in every instance of this NestJS server: move the job to a separate worker app, or guard it with a distributed lock',
      },
      {
        file: 'src/billing/billing.scheduler.ts',
        line: 14,
        column: 3,
        message: '`@Interval(…)` on `retryFailedCharges` runs in every instance of this NestJS server: move the job to a separate worker app, or guard it with a distributed lock',
      },
    ]);
  });

  it('flags setInterval doing I/O at the top level and in the listen callback', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'interval-with-io-at-startup');
    const found = await findingsOf(RULE, dir);
    expect(found.map(at)).toEqual(['src/server.ts:8:1', 'src/server.ts:18:3']);
    expect(found.map((f) => f.message)).toEqual([
      '`setInterval` at start-up runs its callback, which does I/O, in every instance of the web server: move the job to a worker entry point, or use a distributed scheduler or a lock',
      '`setInterval` at start-up runs `remindAbandonedCarts`, which does I/O, in every instance of the web server: move the job to a worker entry point, or use a distributed scheduler or a lock',
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('counts per-instance intervals and switched schedulers as sites without flagging them', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'interval-refreshes-cache-or-metrics'))).toBe(5);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'scheduler-behind-switch'))).toBe(2);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'worker-entry-point'))).toBe(0);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
