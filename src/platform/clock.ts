/** A session's clock: real time plus an offset, or frozen. Tests move it through the control API. */
export interface ClockState {
  offsetMs: number;
  frozenAt: string | null;
}

export function clockNow(state: ClockState): Date {
  return state.frozenAt ? new Date(state.frozenAt) : new Date(Date.now() + state.offsetMs);
}

/**
 * A maker of ISO strings that makes each millisecond's string once: every message's receipt and
 * every journal entry carries one. Each caller keeps its own, so two clocks do not evict each other.
 */
export function isoOncePerMs(): (ms: number) => string {
  let last = NaN;
  let iso = '';
  return (ms) => {
    if (ms !== last) {
      last = ms;
      iso = new Date(ms).toISOString();
    }
    return iso;
  };
}

/** YYYY-MM-DD of a Date in UTC. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Whole years between a date of birth and a day (both YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, day: string): number {
  // Runs for every message: no arrays. "MM-DD" strings compare as the dates do.
  const age = Number(day.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return day.slice(5, 10) < dateOfBirth.slice(5, 10) ? age - 1 : age;
}

/** Adds whole years to a YYYY-MM-DD date (29 Feb falls back to 28 Feb). */
/** The day `days` after (or before) a YYYY-MM-DD day. */
export function addDays(day: string, days: number): string {
  return isoDate(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));
}

export function addYears(day: string, years: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y + years, m - 1, d));
  if (t.getUTCMonth() !== m - 1) t.setUTCDate(0);
  return isoDate(t);
}
