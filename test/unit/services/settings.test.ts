/** App settings: whole answers with defaults, validated changes, reset, events, the default model. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type EventName } from '../../../electron/common/contract';
import { EventBus } from '../../../electron/services/dispatcher';
import { SettingsService } from '../../../electron/services/settings';
import { type TempStore, createTempStore } from '../store/temp-store';

let temp: TempStore;
let service: SettingsService;
let events: EventName[];

beforeEach(() => {
  temp = createTempStore();
  const bus = new EventBus();
  events = [];
  bus.listen((name) => events.push(name));
  service = new SettingsService(temp.store.settings, bus);
});
afterEach(() => temp.cleanup());

describe('SettingsService', () => {
  it('answers the defaults at first: max reply 1024 tokens, context 4096', () => {
    expect(service.get()).toEqual(DEFAULT_SETTINGS);
    expect(service.get().sampling.maxTokens).toBe(1024);
    expect(service.get().contextTokens).toBe(4096);
  });

  it('changes only what is given, keeps it across a restart, and says so', () => {
    const next = service.update({ systemPrompt: 'Be brief.', sampling: { temperature: 0.2 } });
    expect(next.systemPrompt).toBe('Be brief.');
    expect(next.sampling).toEqual({ ...DEFAULT_SETTINGS.sampling, temperature: 0.2 });
    expect(events).toEqual(['settingsChanged']);
    const reopened = new SettingsService(temp.reopen().settings);
    expect(reopened.get()).toEqual(next);
  });

  it('refuses values out of range and keeps what it had', () => {
    expect(() => service.update({ sampling: { topP: 2 } })).toThrow();
    expect(() => service.update({ contextTokens: 10 })).toThrow();
    expect(service.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('resets to the defaults; a stored value that no longer fits falls back to them', () => {
    service.update({ idleUnloadMinutes: 0 });
    expect(service.reset()).toEqual(DEFAULT_SETTINGS);
    temp.store.settings.set('app', { sampling: { temperature: 'hot' } });
    expect(service.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('remembers the default model', () => {
    expect(service.defaultModelId()).toBeNull();
    service.setDefaultModelId('abc');
    expect(service.defaultModelId()).toBe('abc');
  });

  it('keeps the automatic update check off until switched on, across a restart and a reset of the settings', () => {
    expect(service.autoUpdateCheck()).toBe(false);
    service.setAutoUpdateCheck(true);
    expect(new SettingsService(temp.reopen().settings).autoUpdateCheck()).toBe(true);
    service = new SettingsService(temp.store.settings);
    service.reset();
    expect(service.autoUpdateCheck()).toBe(true);
    service.setAutoUpdateCheck(false);
    expect(service.autoUpdateCheck()).toBe(false);
  });
});
