// A parent for the orphan-exit test: forks the engine worker given as argv[2] and prints the
// worker's pid once it is ready, then idles until it is killed. With a model file as argv[3] it
// first loads it with a large context, starts a generation that runs until that is full (many
// seconds), and prints the pid once tokens flow: the worker must exit in the middle of it.
const { fork } = require('node:child_process');

const [worker, model] = process.argv.slice(2);
const child = fork(worker, [], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
let printed = false;
const print = () => {
  if (printed) return;
  printed = true;
  process.stdout.write(`${child.pid}\n`);
};
child.on('message', (message) => {
  if (!message) return;
  if (message.t === 'ready' && !model) print();
  if (message.t === 'ready' && model) child.send({ t: 'load', id: 1, path: model, nCtx: 32768, threads: 1 });
  if (message.t === 'result' && message.id === 1 && message.ok) {
    child.send({ t: 'generate', id: 2, ids: [1, 2, 3], options: { temperature: 0, maxTokens: -1, ignoreEog: true } });
  }
  if (message.t === 'token') print();
});
setInterval(() => undefined, 1000);
