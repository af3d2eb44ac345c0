import type { PointerRule } from './rule';

export const userBaseMismatch: PointerRule<'user-base-mismatch'> = {
  code: 'user-base-mismatch',
  defaultSeverity: 'error',
  description: 'a USER pointer where a BASE pointer is expected, or the reverse',
  check: 'pointer analysis',
};

export const doubleConversion: PointerRule<'double-conversion'> = {
  code: 'double-conversion',
  defaultSeverity: 'error',
  description: 'BASE→USER (or USER→BASE) applied to a pointer already of the target kind',
  check: 'pointer analysis',
};

export const rawNextAccess: PointerRule<'raw-next-access'> = {
  code: 'raw-next-access',
  defaultSeverity: 'warning',
  description: 'freelist links read or written with *(void**)p outside the designated link API',
  check: 'pointer analysis',
};
