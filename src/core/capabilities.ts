/**
 * Capabilities are matched exactly on a normalised form (lower-kebab), never by
 * substring: the seed let an agent's "ai" satisfy "email" and "maintenance".
 */
export function normaliseCapability(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s_./]+/g, '-')
    .replace(/[^a-z0-9+#-]/g, '')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Normalised, de-duplicated, sorted: two equal sets always have the same key. */
export function normaliseCapabilities(raw: readonly string[]): string[] {
  return [...new Set(raw.map(normaliseCapability).filter((c) => c.length > 0))].sort();
}

/** The key that groups pending tasks with the same requirements (indexed by the stores). */
export function capabilityKey(required: readonly string[]): string {
  return required.join(',');
}

export function holdsAll(held: readonly string[], required: readonly string[]): boolean {
  if (required.length === 0) return true;
  const set = new Set(held);
  return required.every((c) => set.has(c));
}
