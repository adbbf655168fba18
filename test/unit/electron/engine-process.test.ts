/** The desktop app's engine process launcher, against a fake utilityProcess. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type UtilityLike, utilityLauncher } from '../../../electron/main/engine-process';

class FakeUtility extends EventEmitter implements UtilityLike {
  pid: number | undefined = 4242;
  posted: unknown[] = [];
  killed = 0;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed++;
    return true;
  }
}

describe('utilityLauncher', () => {
  it('forks the worker as a named utility process and passes messages both ways', () => {
    const forks: { path: string; options: unknown }[] = [];
    const child = new FakeUtility();
    const launch = utilityLauncher((path, _args, options) => {
      forks.push({ path, options });
      return child;
    }, '/app/out/main/engine-worker.js');
    const process = launch();
    expect(forks).toEqual([{ path: '/app/out/main/engine-worker.js', options: { serviceName: 'Tern engine', stdio: 'inherit' } }]);
    expect(process.pid).toBe(4242);
    const received: unknown[] = [];
    process.onMessage((m) => received.push(m));
    child.emit('message', { t: 'ready', pid: 4242 });
    expect(received).toEqual([{ t: 'ready', pid: 4242 }]);
    process.send({ t: 'unload', id: 1 });
    expect(child.posted).toEqual([{ t: 'unload', id: 1 }]);
  });

  it('reports the exit code once, then neither sends nor kills', () => {
    const child = new FakeUtility();
    const process = utilityLauncher(() => child, 'w.js')();
    const exits: [number | null, string | null][] = [];
    process.onExit((code, signal) => exits.push([code, signal]));
    process.kill();
    expect(child.killed).toBe(1);
    child.emit('exit', 134);
    expect(exits).toEqual([[134, null]]);
    process.send({ t: 'unload', id: 2 });
    process.kill();
    expect(child.posted).toEqual([]);
    expect(child.killed).toBe(1);
  });
});
