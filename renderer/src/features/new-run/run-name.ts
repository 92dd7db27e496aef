/**
 * The run name in the new-run form when another architecture is picked: a name typed for one
 * architecture must not label a run of another ("resnet18 64px w0.25" on a googlenet run).
 */

/**
 * The name after switching from architecture `from` to `to`.
 *
 * A name copied from a past run ("Run again") is dropped: it named that run. A typed name that
 * mentions the old architecture (its id, or its title such as "ResNet-18") gets the new id in
 * its place; a name that mentions no architecture is kept.
 */
export function nameForArch(name: string, from: { readonly id: string; readonly title?: string }, to: string, copied: boolean): string {
  if (name.trim() === '' || from.id === to) return name;
  if (copied) return '';
  for (const mention of [from.id, from.title].filter((m): m is string => !!m)) {
    const escaped = mention.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`(^|[^a-z0-9])${escaped}(?![a-z0-9])`, 'i');
    if (re.test(name)) return name.replace(re, (_m, before: string) => `${before}${to}`);
  }
  return name;
}
