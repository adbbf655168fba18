/** The app itself: what it runs on. */
import { z } from 'zod';
import { Empty, call } from '../schema';

export const CpuInfo = z.object({
  name: z.string(),
  /** The engine's kernel table for this CPU: scalar, avx2, avxvnni, avx512, amx or neon. */
  isa: z.string(),
  /** The path the matmuls really run on: one token at a time (decode) and a prompt (prefill). */
  kernels: z.object({ decode: z.string(), prefill: z.string() }),
  features: z.object({
    sse42: z.boolean(),
    avx: z.boolean(),
    avx2: z.boolean(),
    fma: z.boolean(),
    f16c: z.boolean(),
    avx512f: z.boolean(),
    avx512bw: z.boolean(),
    avx512vl: z.boolean(),
    avx512dq: z.boolean(),
    avx512vnni: z.boolean(),
    avxVnni: z.boolean(),
    neon: z.boolean(),
    dotprod: z.boolean(),
  }),
});
export type CpuInfo = z.infer<typeof CpuInfo>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  /** 'electron' in the desktop app, 'headless' under `tern serve`. */
  host: z.enum(['electron', 'headless']),
  dataDir: z.string(),
  cpu: CpuInfo,
  logicalCores: z.number().int().positive(),
  totalMemoryBytes: z.number().nonnegative(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appCalls = {
  getAppInfo: call(Empty, AppInfo),
} as const;

export const appEvents = {} as const;
