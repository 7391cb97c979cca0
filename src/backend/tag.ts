/** `JoseError[BACKEND_TAG]` names the crypto backend of the copy of isojwt it came from. */
export const BACKEND_TAG: unique symbol = /* @__PURE__ */ Symbol.for('isojwt.backend') as never
