export const EXPORTS: readonly string[]
