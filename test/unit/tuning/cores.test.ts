/** Counting the physical cores: /proc/cpuinfo text, sysctl and Windows output, the fallbacks. */
import { describe, expect, it } from 'vitest';
import { type CoreProbe, coresFromOutput, detectCores, physicalCoresFromCpuinfo } from '../../../electron/services/tuning/cores';

/** /proc/cpuinfo of `sockets` packages with `cores` cores each and `smt` threads per core. */
function cpuinfo(sockets: number, cores: number, smt: number): string {
  const blocks: string[] = [];
  let processor = 0;
  for (let thread = 0; thread < smt; thread++) {
    for (let socket = 0; socket < sockets; socket++) {
      for (let core = 0; core < cores; core++) {
        blocks.push(
          [
            `processor\t: ${processor++}`,
            'vendor_id\t: GenuineIntel',
            'model name\t: Intel(R) Xeon(R) CPU @ 2.20GHz',
            `physical id\t: ${socket}`,
            `siblings\t: ${cores * smt}`,
            `core id\t\t: ${core * 2}`,
            `cpu cores\t: ${cores}`,
            'flags\t\t: fpu vme avx2',
          ].join('\n'),
        );
      }
    }
  }
  return `${blocks.join('\n\n')}\n`;
}

describe('physical cores from /proc/cpuinfo', () => {
  it('counts distinct physical id + core id pairs', () => {
    expect(physicalCoresFromCpuinfo(cpuinfo(1, 4, 2))).toBe(4);
    expect(physicalCoresFromCpuinfo(cpuinfo(1, 8, 1))).toBe(8);
    // Two sockets reuse the same core ids.
    expect(physicalCoresFromCpuinfo(cpuinfo(2, 6, 2))).toBe(12);
  });

  it('says nothing when the kernel gives no core ids (some ARM boards)', () => {
    const arm = ['processor\t: 0\nBogoMIPS\t: 108.00\nCPU part\t: 0xd08', 'processor\t: 1\nBogoMIPS\t: 108.00\nCPU part\t: 0xd08', 'Hardware\t: BCM2835'].join('\n\n');
    expect(physicalCoresFromCpuinfo(arm)).toBeNull();
    expect(physicalCoresFromCpuinfo('')).toBeNull();
  });

  it('reads CRLF-free text with a core id but no physical id as one package', () => {
    expect(physicalCoresFromCpuinfo('processor : 0\ncore id : 0\n\nprocessor : 1\ncore id : 1\n\nprocessor : 2\ncore id : 0\n')).toBe(2);
  });
});

describe('core detection', () => {
  const probe = (over: Partial<CoreProbe>): CoreProbe => ({
    platform: 'linux',
    logical: () => 8,
    readFile: () => {
      throw new Error('no such file');
    },
    run: () => {
      throw new Error('no such command');
    },
    ...over,
  });

  it('Linux: /proc/cpuinfo; capped at the logical count (a container limited to fewer CPUs)', () => {
    expect(detectCores(probe({ readFile: () => cpuinfo(1, 4, 2) }))).toEqual({ logical: 8, physical: 4 });
    expect(detectCores(probe({ logical: () => 2, readFile: () => cpuinfo(1, 16, 2) }))).toEqual({ logical: 2, physical: 2 });
  });

  it('macOS: sysctl -n hw.physicalcpu', () => {
    const calls: string[] = [];
    const cores = detectCores(
      probe({
        platform: 'darwin',
        logical: () => 10,
        run: (command, args) => {
          calls.push([command, ...args].join(' '));
          return '8\n';
        },
      }),
    );
    expect(cores).toEqual({ logical: 10, physical: 8 });
    expect(calls).toEqual(['sysctl -n hw.physicalcpu']);
  });

  it('Windows: PowerShell, else wmic (the sum over sockets)', () => {
    expect(detectCores(probe({ platform: 'win32', logical: () => 16, run: (c) => (c === 'powershell.exe' ? '8\r\n' : '') }))).toEqual({ logical: 16, physical: 8 });
    const wmic = 'NumberOfCores  \r\n4              \r\n4              \r\n\r\n';
    expect(coresFromOutput(wmic)).toBe(8);
    expect(
      detectCores(
        probe({
          platform: 'win32',
          logical: () => 16,
          run: (c) => {
            if (c === 'powershell.exe') throw new Error('not found');
            return wmic;
          },
        }),
      ),
    ).toEqual({ logical: 16, physical: 8 });
  });

  it('falls back to the logical count', () => {
    expect(detectCores(probe({}))).toEqual({ logical: 8, physical: 8 });
    expect(detectCores(probe({ platform: 'darwin', run: () => 'garbage' }))).toEqual({ logical: 8, physical: 8 });
    expect(detectCores(probe({ platform: 'freebsd' }))).toEqual({ logical: 8, physical: 8 });
  });
});
