import { text, type Field } from "./input.ts";

/**
 * limit and offset, for the few Mastodon endpoints paged by offset rather than by id (search, directory):
 * a limit out of range is clamped and one that is not a number falls back to the default, as Mastodon does.
 */
export function offsetLimit(limits: { default: number; max: number }): Field<number> {
  const read = text();
  return (params, name) => {
    const value = read(params, name);
    if (value === undefined) return limits.default;
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) return limits.default;
    return Math.min(Math.max(parsed, 1), limits.max);
  };
}

export function offset(): Field<number> {
  const read = text();
  return (params, name) => {
    const value = read(params, name);
    const parsed = value === undefined ? 0 : Number(value);
    return Number.isInteger(parsed) && parsed > 0 ? parsed : 0;
  };
}
