/**
 * Fast paths for the two formats every envelope checks (`date-time`, `uuid`): ajv-formats runs a
 * split, two regular expressions and number parsing per value, about a tenth of a rebuild's
 * validation time. A fast path only ever answers "valid" for the canonical shapes producers write
 * (`new Date().toISOString()`, a lowercase or uppercase 8-4-4-4-12 uuid) after checking every
 * character and range; anything else goes to the full check, so the verdicts are the full check's.
 */
type Check = (value: string) => boolean;

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

/** The value of `n` digits at `i`, or -1 if any is not a digit. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = digit(s, i + k);
    if (d < 0) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** `YYYY-MM-DDTHH:MM:SS[.f+]Z` with real calendar values, no leap second. */
function canonicalDateTime(s: string): boolean {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 /* Z */) return false;
  if (s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':') return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return false;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS[month]!)) return false;
  if (n === 20) return true;
  if (s[19] !== '.' || n < 22) return false;
  for (let i = 20; i < n - 1; i++) if (digit(s, i) < 0) return false;
  return true;
}

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** 8-4-4-4-12 hexadecimal digits, without the optional `urn:uuid:` prefix. */
function plainUuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45 /* - */) return false;
    } else if (!isHex(c)) return false;
  }
  return true;
}

export const withFastPath =
  (fast: Check, full: Check): Check =>
  (value) =>
    fast(value) || full(value);

export const fastPaths = { 'date-time': canonicalDateTime, uuid: plainUuid } as const;
