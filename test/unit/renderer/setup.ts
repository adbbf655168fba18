import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { cancelPendingSearch, resetStore, setApi } from '../../../renderer/src/state';
import { FakeTern } from './fakeApi';

/** A fresh fake host and a fresh store for every test; returns a getter for the fake. */
export function useFakeTern(): () => FakeTern {
  let fake = new FakeTern();
  beforeEach(() => {
    fake = new FakeTern();
    resetStore();
    setApi(fake.api);
  });
  afterEach(() => {
    cleanup();
    cancelPendingSearch();
    setApi(null);
    resetStore();
  });
  return () => fake;
}
