/** Thrown when the suite's abort signal fires; callers tell it from a real failure. */
export class CancelledError extends Error {
  constructor() {
    super('benchmark cancelled');
  }
}
