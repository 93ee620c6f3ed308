import type { Context } from "@fedify/fedify";

/** The context's loaders for reading an activity's parts, with fetch failures read as absence. */
export function activityLoaders<TContextData>(ctx: Context<TContextData>) {
  return { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader, suppressError: true };
}
