/**
 * The WebCrypto backend's name. Every build entry tags JoseError with the backend it
 * was built with, so the runtime test runners can assert which one a runtime loaded
 * through the package's export conditions.
 */
export const BACKEND = 'webcrypto'

/** `JoseError[BACKEND_TAG]` names the backend of the copy of isojwt it came from. */
export const BACKEND_TAG: unique symbol = Symbol.for('isojwt.backend') as never
