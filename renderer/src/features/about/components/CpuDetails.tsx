import type { AppInfo, CpuInfo } from '../../../lib/contract';

/** The features the engine's kernels dispatch on, in the order they matter. */
const FEATURES: { key: keyof CpuInfo['features']; label: string }[] = [
  { key: 'avx2', label: 'AVX2' },
  { key: 'avxVnni', label: 'AVX-VNNI' },
  { key: 'avx512f', label: 'AVX-512 F' },
  { key: 'avx512bw', label: 'AVX-512 BW' },
  { key: 'avx512vnni', label: 'AVX-512 VNNI' },
  { key: 'neon', label: 'NEON' },
  { key: 'dotprod', label: 'dotprod' },
];

export function CpuDetails({ info }: { info: AppInfo }) {
  const { cpu } = info;
  return (
    <section className="about-section" aria-labelledby="about-cpu">
      <h3 id="about-cpu" className="section-title">
        Processor
      </h3>
      <dl className="facts">
        <dt>CPU</dt>
        <dd>{cpu.name}</dd>
        <dt>Logical cores</dt>
        <dd>{info.logicalCores}</dd>
        <dt>Kernel path</dt>
        <dd>
          {cpu.kernels.decode === cpu.kernels.prefill ? (
            <code>{cpu.kernels.decode}</code>
          ) : (
            <>
              decode <code>{cpu.kernels.decode}</code> · prefill <code>{cpu.kernels.prefill}</code>
            </>
          )}
        </dd>
      </dl>
      <table className="features">
        <caption>Instruction-set features detected</caption>
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">Detected</th>
          </tr>
        </thead>
        <tbody>
          {FEATURES.map(({ key, label }) => (
            <tr key={key}>
              <th scope="row">{label}</th>
              <td className={cpu.features[key] ? 'yes' : 'no'}>{cpu.features[key] ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
