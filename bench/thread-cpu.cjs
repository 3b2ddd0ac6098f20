// Preload that prints, when the process exits, the CPU time (user + system) of each of its threads,
// read from /proc/self/task (Linux only): the main thread first, then V8's helper threads (the
// optimising compiler and the garbage collector's parallel and concurrent work) and libuv's.
//
//   node -r ./bench/thread-cpu.cjs dist/src/cli/bin.js DIR --format json --quiet --no-cache --jobs 1 -o /dev/null
//   node -r ./bench/thread-cpu.cjs --single-threaded-gc dist/src/cli/bin.js …   (the collector on the main thread)
//
// One line on stderr: `thread-cpu: main 9.74 s, helpers 9.54 s (2.34 2.51 2.34 2.35)`. A worker thread
// (`--jobs 2`) has ended before the process exits, so its time is in neither figure.
'use strict';
const { readdirSync, readFileSync } = require('node:fs');

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

function cpuSeconds(task) {
  const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3: utime is the 14th field, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

if (require('node:worker_threads').isMainThread) {
  process.on('exit', () => {
    let tasks;
    try {
      tasks = readdirSync('/proc/self/task');
    } catch {
      process.stderr.write('thread-cpu: /proc/self/task is not readable here (Linux only)\n');
      return;
    }
    const main = cpuSeconds(String(process.pid));
    const helpers = [];
    for (const task of tasks) {
      if (task === String(process.pid)) continue;
      try {
        const s = cpuSeconds(task);
        if (s >= 0.05) helpers.push(s);
      } catch {
        // the thread ended while we read
      }
    }
    const total = helpers.reduce((a, b) => a + b, 0);
    process.stderr.write(`thread-cpu: main ${main.toFixed(2)} s, helpers ${total.toFixed(2)} s (${helpers.map((s) => s.toFixed(2)).join(' ')})\n`);
  });
}
