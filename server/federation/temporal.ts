import { Temporal as TemporalPolyfill } from "@js-temporal/polyfill";

/**
 * An ISO time as the Temporal.Instant Fedify's vocabulary takes. Fedify's types name the standard Temporal
 * (lib esnext.temporal), which Node 24 lacks at run time; Fedify itself runs on this polyfill, whose type
 * differs only in detail, hence the cast.
 */
export function isoToInstant(iso: string): Temporal.Instant {
  return TemporalPolyfill.Instant.from(iso) as unknown as Temporal.Instant;
}
