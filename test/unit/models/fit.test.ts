/** The fit verdict and its label, from the engine's estimate and this machine's numbers. */
import { describe, expect, it } from 'vitest';
import { assessFit } from '../../../electron/services/models/fit';

const GB = 1e9;
const machine = { availableMemoryBytes: 12 * GB, totalMemoryBytes: 24 * GB };
const kernels = { decode: 'avx512', prefill: 'amx' };

describe('assessFit', () => {
  it('fits with room to spare', () => {
    const fit = assessFit({ memoryBytes: 1.6 * GB, contextTokens: 4096, kernels }, machine);
    expect(fit).toMatchObject({ verdict: 'fits', label: 'Fits: needs about 1.6 GB of memory, 12.0 GB free', problems: [], kernels });
  });

  it('is tight when it needs most of what is free now', () => {
    const fit = assessFit({ memoryBytes: 11 * GB, contextTokens: 4096, kernels }, machine);
    expect(fit.verdict).toBe('tight');
    expect(fit.label).toBe('Tight: needs about 11.0 GB of memory, 12.0 GB free now');
    expect(fit.problems[0]).toMatch(/close other programs first, or choose a smaller context/);
  });

  it('is too large when it needs more than the computer has', () => {
    const fit = assessFit({ memoryBytes: 30 * GB, contextTokens: 131072, kernels: null }, machine);
    expect(fit).toMatchObject({ verdict: 'too-large', label: 'Too large: needs about 30.0 GB of memory, this computer has 24.0 GB' });
  });

  it('is too large for the disk when the file does not fit in the free space', () => {
    const fit = assessFit({ memoryBytes: 1.6 * GB, contextTokens: 4096, kernels, fileBytes: 1.2 * GB, freeDiskBytes: 0.5 * GB }, machine);
    expect(fit).toMatchObject({ verdict: 'too-large', label: 'Too large for the disk: 1.2 GB file, 500 MB free', fileBytes: 1.2 * GB, freeDiskBytes: 0.5 * GB });
  });
});
