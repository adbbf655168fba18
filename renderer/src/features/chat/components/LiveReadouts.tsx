import type { ReactNode } from 'react';
import { EnergySourceBadge } from '../../../components/EnergySourceBadge';
import type { Readouts } from '../../../lib/contract';
import { formatBytes, formatDuration, formatJoules, formatWatts, plural } from '../../../lib/format';
import { formatMs, formatRate } from '../../../lib/tuning-words';
import { useReadouts, useReadoutsShown, useReadoutsWriting } from '../../../state';
import { Sparkline } from './Sparkline';

export const READOUTS_ID = 'live-readouts';

const NONE = '—';

function maybe(value: number | null, format: (value: number) => string): string {
  return value === null ? NONE : format(value);
}

function Readout({ label, source, children }: { label: string; source: ReactNode; children: ReactNode }) {
  return (
    <div className="readout">
      <dt className="readout-label">{label}</dt>
      <dd className="readout-figure">
        <span className="readout-value">{children}</span> <span className="readout-source">{source}</span>
      </dd>
    </div>
  );
}

function cpuText(r: Readouts): string {
  if (r.cpuPercent === null) return NONE;
  const percent = `${Math.round(r.cpuPercent)}%`;
  return r.threads === null ? percent : `${percent} of ${plural(r.threads, 'thread', 'threads')}`;
}

function memoryText(r: Readouts): string {
  if (r.memoryBytes === null) return NONE;
  const now = formatBytes(r.memoryBytes);
  return r.memoryExpectedBytes === null ? now : `${now} of ${formatBytes(r.memoryExpectedBytes)} expected`;
}

/**
 * The engine's figures for one reply, each with where it comes from. The numbers change several
 * times a second: nothing here is announced as it changes (aria-live off); the figures are read
 * when the user goes to them.
 */
export function LiveReadouts({
  readouts: r,
  writing,
  label = 'Live readouts',
  titles = { writing: 'Writing…', last: 'Last reply' },
}: {
  readouts: Readouts;
  writing: boolean;
  /** The region's name: the conversation's "Live readouts", or the local API's. */
  label?: string;
  titles?: { writing: string; last: string };
}) {
  const recent = r.recentTokenMs;
  const progress = r.phase === 'prefill' && writing ? 'Reading the prompt' : plural(r.tokens, 'token', 'tokens');
  return (
    <section id={label === 'Live readouts' ? READOUTS_ID : undefined} className="readouts" aria-label={label} aria-live="off">
      <div className="readouts-head">
        <h3 className="readouts-title">
          {writing && <span className="readouts-dot" aria-hidden="true" />}
          {writing ? titles.writing : titles.last}
        </h3>
        <p className="readouts-sub">
          {progress} · {formatDuration(r.elapsedMs)}
        </p>
      </div>
      <dl className="readouts-list">
        <Readout label="Time to first token" source="engine clock">
          {maybe(r.ttftMs, formatMs)}
        </Readout>
        <Readout label="Decode" source="engine clock">
          {r.decodeTokensPerSecNow === null && r.decodeTokensPerSecAvg === null
            ? NONE
            : `${maybe(r.decodeTokensPerSecNow, formatRate)} tok/s now · ${maybe(r.decodeTokensPerSecAvg, formatRate)} average`}
        </Readout>
        <Readout label="Per-token latency" source="engine clock">
          {r.tokenP50Ms === null && r.tokenP95Ms === null
            ? NONE
            : `p50 ${maybe(r.tokenP50Ms, (ms) => `${ms.toFixed(1)} ms`)} · p95 ${maybe(r.tokenP95Ms, (ms) => `${ms.toFixed(1)} ms`)}`}
        </Readout>
        {recent.length > 1 && (
          <div className="readout readout-spark">
            <Sparkline values={recent} label={`Per-token latency, last ${recent.length} tokens`} />
          </div>
        )}
        <Readout label="Prefill" source="engine clock">
          {maybe(r.prefillTokensPerSec, (rate) => `${formatRate(rate)} tok/s`)}
        </Readout>
        <Readout label="Engine CPU" source="OS process time">
          {cpuText(r)}
        </Readout>
        <Readout label="Engine memory" source="OS resident memory">
          {memoryText(r)}
        </Readout>
        <Readout label="Power" source={<EnergySourceBadge source={r.powerWatts === null ? null : r.energySource} />}>
          {maybe(r.powerWatts, formatWatts)}
        </Readout>
        <Readout label="Energy" source={<EnergySourceBadge source={r.energyJoules === null ? null : r.energySource} />}>
          {maybe(r.energyJoules, (j) => `${formatJoules(j)} J`)}
        </Readout>
        <Readout label="Energy per token" source={<EnergySourceBadge source={r.joulesPerToken === null ? null : r.energySource} />}>
          {maybe(r.joulesPerToken, (j) => `${formatJoules(j)} J/token`)}
        </Readout>
      </dl>
    </section>
  );
}

/**
 * The conversation's live readouts column: while its reply streams, then the last reply's final
 * figures until another starts. Nothing before the first readouts since the page loaded, or when
 * the user has hidden the column.
 */
export function ReadoutsColumn({ conversationId }: { conversationId: string }) {
  const readouts = useReadouts(conversationId);
  const writing = useReadoutsWriting(conversationId);
  const shown = useReadoutsShown();
  if (!readouts || !shown) return null;
  return <LiveReadouts readouts={readouts} writing={writing} />;
}
