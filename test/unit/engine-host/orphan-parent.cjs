// A parent for the orphan-exit test: forks the engine worker given as argv[2], prints the
// worker's pid once it is ready, then idles until it is killed.
const { fork } = require('node:child_process');

const child = fork(process.argv[2], [], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
child.on('message', (message) => {
  if (message && message.t === 'ready') process.stdout.write(`${child.pid}\n`);
});
setInterval(() => undefined, 1000);
